#pragma once
// Byte views accepted by send/recv: anything contiguous made of bytes or characters
// (std::string, std::string_view, string literals, std::u8string, std::vector<std::byte>,
// std::array<char, N>, std::span<std::byte>, ...). Text is sent as its bytes (UTF-8 for
// u8 strings); nothing is converted.

#include <cstddef>
#include <cstring>
#include <ranges>
#include <span>
#include <type_traits>

namespace unisock {

namespace detail {
template <class T>
concept byte_like = sizeof(T) == 1 && (std::is_same_v<std::remove_cv_t<T>, std::byte> ||
                                       std::is_same_v<std::remove_cv_t<T>, char> ||
                                       std::is_same_v<std::remove_cv_t<T>, signed char> ||
                                       std::is_same_v<std::remove_cv_t<T>, unsigned char> ||
                                       std::is_same_v<std::remove_cv_t<T>, char8_t>);

template <class R>
concept byte_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                     byte_like<std::ranges::range_value_t<R>>;
} // namespace detail

// Read-only bytes to send.
class const_bytes {
public:
    constexpr const_bytes() noexcept = default;
    constexpr const_bytes(const void* data, std::size_t size) noexcept
        : data_(static_cast<const std::byte*>(data)), size_(size) {}
    // A NUL-terminated C string, without its terminator.
    const_bytes(const char* text) noexcept : const_bytes(text, std::strlen(text)) {}
    template <detail::byte_range R>
    constexpr const_bytes(const R& range) noexcept
        : const_bytes(std::ranges::data(range), std::ranges::size(range)) {}

    constexpr const std::byte* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    // The bytes after the first n (n is clamped to size()).
    constexpr const_bytes after(std::size_t n) const noexcept {
        n = n < size_ ? n : size_;
        return {data_ + n, size_ - n};
    }

private:
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

// Writable bytes to receive into.
class mutable_bytes {
public:
    constexpr mutable_bytes() noexcept = default;
    constexpr mutable_bytes(void* data, std::size_t size) noexcept
        : data_(static_cast<std::byte*>(data)), size_(size) {}
    template <detail::byte_range R>
        requires(!std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>)
    constexpr mutable_bytes(R&& range) noexcept
        : mutable_bytes(std::ranges::data(range), std::ranges::size(range)) {}

    constexpr std::byte* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr mutable_bytes after(std::size_t n) const noexcept {
        n = n < size_ ? n : size_;
        return {data_ + n, size_ - n};
    }

private:
    std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace unisock
