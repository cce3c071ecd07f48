#pragma once
// Everything in unisock.
#include "unisock/address.hpp"
#include "unisock/bytes.hpp"
#include "unisock/connection.hpp"
#include "unisock/error.hpp"
#include "unisock/options.hpp"
#include "unisock/resolver.hpp"
#include "unisock/server.hpp"
#include "unisock/socket.hpp"
#include "unisock/stream.hpp"
#include "unisock/system.hpp"
