// HTTP Basic credentials, Exotel's one way to authenticate its side (it signs nothing): the user
// writes user:password@ into a URL, and Exotel sends them as Authorization: Basic. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxgate::net::exotel {

enum class basic_check : std::uint8_t { ok, missing, mismatch };

// The request's Authorization header against `credentials` ("user:password"), in constant time.
// A header of another scheme or with bad base64 is a mismatch.
basic_check check_basic(std::string_view credentials, std::string_view authorization);
// "Basic " + base64(credentials): what Exotel sends.
std::string basic_authorization(std::string_view credentials);

// What EXOTEL_STREAM_AUTH must look like, or nothing when it does: "user:password", each part of
// URL-safe characters, since both travel inside a URL (https://user:password@host/...) unencoded.
std::optional<std::string> credentials_problem(const std::string& value);

}  // namespace voxgate::net::exotel
