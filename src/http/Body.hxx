// The body streaming interfaces as the HTTP layer names them; they live in
// stream/ so that layers below HTTP (the storage) can implement them without
// knowing HTTP.
#pragma once

#include "stream/Body.hxx"

namespace sealpost::http {

using stream::BodyConsumer;
using stream::ResponseSink;
using stream::ResponseSource;

} // namespace sealpost::http
