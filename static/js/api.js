// Calls the sealpost JSON API (/api/v1/…). Every non-2xx answer becomes an
// ApiError carrying the RFC 9457 problem fields (title, detail, status and the
// extra members such as violations, failed_recipients, attempts_left,
// locked_until), so pages can show a readable message for each.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.status = status
    this.problem = problem
  }
}

export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let response
  try {
    response = await fetch(path, init)
  } catch (error) {
    throw new ApiError(0, { title: 'network', detail: '' })
  }
  if (response.status === 204) return null
  const type = response.headers.get('Content-Type') || ''
  let data = null
  if (type.includes('json')) {
    try {
      data = await response.json()
    } catch {
      data = null
    }
  } else {
    data = { text: await response.text() }
  }
  if (!response.ok) {
    const problem = data && typeof data === 'object' ? data : {}
    if (!problem.status) problem.status = response.status
    const error = new ApiError(response.status, problem)
    error.retryAfter = response.headers.get('Retry-After') // seconds, with 429
    throw error
  }
  return data
}

/// The query string of `params`, leaving out empty values.
export function query(params) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value)
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}
