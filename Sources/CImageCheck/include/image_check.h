#ifndef PANTAU_IMAGE_CHECK_H
#define PANTAU_IMAGE_CHECK_H

#include <stddef.h>
#include <stdint.h>

/// What a decode found.
enum pantau_image_result {
    PANTAU_IMAGE_OK = 0,
    /// The data is not a whole, well-formed image of this format.
    PANTAU_IMAGE_BROKEN = 1,
    /// It would decode to more pixels than allowed (a decompression bomb).
    PANTAU_IMAGE_TOO_LARGE = 2,
};

/// Decodes a PNG from memory row by row (one row buffer, every pass of an
/// interlaced image, every chunk's CRC, up to IEND) without keeping the
/// pixels. Fills width and height once the header is read.
int pantau_png_check(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height);

/// Decodes a JPEG from memory scanline by scanline (at 1/8 scale: every
/// coefficient is still entropy-decoded) without keeping the pixels; data
/// that ends early or does not decode cleanly counts as broken.
int pantau_jpeg_check(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height);

#endif
