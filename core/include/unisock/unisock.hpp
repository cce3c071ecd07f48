// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Everything in unisock: includes every public header. The API reference of each call
/// names what it does, the error it gives and its system call on POSIX and on Windows.
#include "unisock/address.hpp"
#include "unisock/bytes.hpp"
#include "unisock/connection.hpp"
#include "unisock/error.hpp"
#include "unisock/interfaces.hpp"
#include "unisock/options.hpp"
#include "unisock/resolver.hpp"
#include "unisock/selector.hpp"
#include "unisock/server.hpp"
#include "unisock/socket.hpp"
#include "unisock/stream.hpp"
#include "unisock/system.hpp"
#include "unisock/types.hpp"
#include "unisock/version.hpp"
