// SPDX-License-Identifier: BSL-1.0
#pragma once
/// @file
/// Byte views accepted by send and recv: anything contiguous made of bytes or characters
/// (std::string, std::string_view, string literals, std::u8string, std::vector<std::byte>,
/// std::array<char, N>, std::span<std::byte>, ...). Text is sent as its bytes (UTF-8 for
/// u8 strings); nothing is converted. The views hold a pointer and a size, own nothing,
/// and make no system call.
///
/// How long the text of a character array is — one rule for every built-in array of
/// char or char8_t, const or not, string literal or buffer: the characters before the
/// first NUL, or the whole array when it holds none. So `send("hi")` and `send(u8"hi")`
/// send 2 bytes (no terminator), and `char buf[8] = "hi"` sends 2 bytes as a
/// `const char[8]` holding "hi" does. To send NUL bytes, say how many: a
/// std::string_view with its size, a std::array, a std::span or (data, size). Arrays of
/// std::byte, unsigned char and signed char are binary: always the whole array. A
/// pointer to char (or char8_t) is a NUL-terminated C string; a null pointer is refused
/// at compile time where it is a literal `nullptr`.

#include <cstddef>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>

namespace unisock {

namespace detail {
template <class T>
concept byte_like = sizeof(T) == 1 && (std::is_same_v<std::remove_cv_t<T>, std::byte> ||
                                       std::is_same_v<std::remove_cv_t<T>, char> ||
                                       std::is_same_v<std::remove_cv_t<T>, signed char> ||
                                       std::is_same_v<std::remove_cv_t<T>, unsigned char> ||
                                       std::is_same_v<std::remove_cv_t<T>, char8_t>);

/// The character types whose built-in arrays and pointers are text (NUL-terminated).
template <class T>
concept text_char = std::is_same_v<std::remove_cv_t<T>, char> || std::is_same_v<std::remove_cv_t<T>, char8_t>;

/// A built-in array of text characters: read up to its first NUL.
template <class T>
concept text_array = std::is_array_v<T> && std::rank_v<T> == 1 && text_char<std::remove_extent_t<T>>;

/// A pointer to text characters (not an array, which keeps its bound).
template <class T>
concept text_pointer = std::is_pointer_v<T> && text_char<std::remove_pointer_t<T>>;

template <class R>
concept byte_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                     byte_like<std::ranges::range_value_t<R>>;

/// The characters of text[0, capacity) before the first NUL (capacity when there is none).
template <class C>
constexpr std::size_t text_length(const C* text, std::size_t capacity) noexcept {
    std::size_t length = 0;
    while (length < capacity && text[length] != C{}) ++length;
    return length;
}
} // namespace detail

/// Read-only bytes to send: a pointer and a size, owning nothing.
class const_bytes {
public:
    /// No bytes.
    constexpr const_bytes() noexcept = default;
    /// size bytes at data.
    constexpr const_bytes(const void* data, std::size_t size) noexcept
        : data_(static_cast<const std::byte*>(data)), size_(size) {}
    /// A built-in char or char8_t array (a string literal, a char buffer): the characters
    /// before its first NUL, or all N when it holds none (the rule at the top of bytes.hpp).
    template <class C, std::size_t N>
        requires detail::text_char<C>
    constexpr const_bytes(const C (&text)[N]) noexcept : const_bytes(text, detail::text_length(text, N)) {}
    /// A NUL-terminated C string (char* or char8_t*), without its terminator.
    template <class P>
        requires detail::text_pointer<std::remove_cvref_t<P>>
    constexpr const_bytes(P&& text) noexcept
        : const_bytes(text, std::char_traits<std::remove_cv_t<std::remove_pointer_t<std::remove_cvref_t<P>>>>::length(text)) {}
    /// A contiguous range of bytes or characters: all of its size() elements.
    template <detail::byte_range R>
        requires(!detail::text_array<std::remove_cvref_t<R>>)
    constexpr const_bytes(const R& range) noexcept
        : const_bytes(std::ranges::data(range), std::ranges::size(range)) {}

    /// The first byte (null for a default-constructed view).
    constexpr const std::byte* data() const noexcept { return data_; }
    /// The number of bytes.
    constexpr std::size_t size() const noexcept { return size_; }
    /// True when size() is 0.
    constexpr bool empty() const noexcept { return size_ == 0; }
    /// The bytes after the first n (n is clamped to size()).
    constexpr const_bytes after(std::size_t n) const noexcept {
        n = n < size_ ? n : size_;
        return {data_ + n, size_ - n};
    }

private:
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

/// Writable bytes to receive into: a pointer and a size, owning nothing. A character
/// array is all of its capacity here (receiving fills it; there is no text to measure).
class mutable_bytes {
public:
    /// No bytes.
    constexpr mutable_bytes() noexcept = default;
    /// size bytes at data.
    constexpr mutable_bytes(void* data, std::size_t size) noexcept
        : data_(static_cast<std::byte*>(data)), size_(size) {}
    /// A contiguous, writable range of bytes or characters: all of its size() elements.
    template <detail::byte_range R>
        requires(!std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>)
    constexpr mutable_bytes(R&& range) noexcept
        : mutable_bytes(std::ranges::data(range), std::ranges::size(range)) {}

    /// The first byte (null for a default-constructed view).
    constexpr std::byte* data() const noexcept { return data_; }
    /// The number of bytes.
    constexpr std::size_t size() const noexcept { return size_; }
    /// True when size() is 0.
    constexpr bool empty() const noexcept { return size_ == 0; }
    /// The bytes after the first n (n is clamped to size()).
    constexpr mutable_bytes after(std::size_t n) const noexcept {
        n = n < size_ ? n : size_;
        return {data_ + n, size_ - n};
    }

private:
    std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace unisock
