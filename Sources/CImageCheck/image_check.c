// Decoding checks for evidence images, in C because libpng and libjpeg
// report errors by longjmp, which must not cross Swift frames.
#include "image_check.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// ---------------------------------------------------------------- PNG

struct png_source {
    const uint8_t *data;
    size_t size;
    size_t offset;
};

static void png_read_from_memory(png_structp png, png_bytep out, png_size_t length) {
    struct png_source *source = (struct png_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "unexpected end of data");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

static void png_quiet_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void png_fail(png_structp png, png_const_charp message) {
    (void)message;
    png_longjmp(png, 1);
}

int pantau_png_check(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height) {
    struct png_source source = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet_warning);
    if (png == NULL) return PANTAU_IMAGE_BROKEN;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return PANTAU_IMAGE_BROKEN;
    }
    // Written after setjmp, so kept in memory rather than in registers.
    volatile png_bytep row = NULL;
    volatile int result = PANTAU_IMAGE_BROKEN;
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        png_destroy_read_struct(&png, &info, NULL);
        return result;
    }
    png_set_read_fn(png, &source, png_read_from_memory);
    // A bad CRC is an error in every chunk, ancillary ones included.
    png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
    png_set_chunk_malloc_max(png, 8 * 1024 * 1024);
    png_read_info(png, info);
    *width = png_get_image_width(png, info);
    *height = png_get_image_height(png, info);
    if (*width == 0 || *height == 0) png_error(png, "empty image");
    if ((uint64_t)*width * (uint64_t)*height > max_pixels) {
        result = PANTAU_IMAGE_TOO_LARGE;
        png_error(png, "too many pixels");
    }
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    row = malloc(png_get_rowbytes(png, info));
    if (row == NULL) png_error(png, "out of memory");
    for (int pass = 0; pass < passes; pass++) {
        for (uint32_t y = 0; y < *height; y++) {
            png_read_row(png, row, NULL);
        }
    }
    png_read_end(png, NULL);
    free(row);
    png_destroy_read_struct(&png, &info, NULL);
    return PANTAU_IMAGE_OK;
}

// ---------------------------------------------------------------- JPEG

struct jpeg_failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int damaged;
};

static void jpeg_fail(j_common_ptr cinfo) {
    struct jpeg_failure *failure = (struct jpeg_failure *)cinfo->err;
    longjmp(failure->jump, 1);
}

static void jpeg_note(j_common_ptr cinfo, int level) {
    struct jpeg_failure *failure = (struct jpeg_failure *)cinfo->err;
    // Level -1 is a warning: corrupt or missing data that libjpeg papers
    // over. Stray bytes between markers are common and harmless; anything
    // else means the picture is not what the bytes claim.
    if (level == -1 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA) {
        failure->damaged = 1;
    }
}

int pantau_jpeg_check(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height) {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_failure failure;
    memset(&failure, 0, sizeof failure);
    cinfo.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = jpeg_fail;
    failure.manager.emit_message = jpeg_note;
    volatile JSAMPROW row = NULL;
    volatile int result = PANTAU_IMAGE_BROKEN;
    if (setjmp(failure.jump)) {
        free(row);
        jpeg_destroy_decompress(&cinfo);
        return result;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&cinfo);
        return PANTAU_IMAGE_BROKEN;
    }
    *width = cinfo.image_width;
    *height = cinfo.image_height;
    if (*width == 0 || *height == 0) {
        jpeg_destroy_decompress(&cinfo);
        return PANTAU_IMAGE_BROKEN;
    }
    if ((uint64_t)*width * (uint64_t)*height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return PANTAU_IMAGE_TOO_LARGE;
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_IFAST;
    jpeg_start_decompress(&cinfo);
    row = malloc((size_t)cinfo.output_width * (size_t)cinfo.output_components);
    if (row == NULL) {
        jpeg_destroy_decompress(&cinfo);
        return PANTAU_IMAGE_BROKEN;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[1] = {row};
        jpeg_read_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_decompress(&cinfo);
    free(row);
    jpeg_destroy_decompress(&cinfo);
    return failure.damaged ? PANTAU_IMAGE_BROKEN : PANTAU_IMAGE_OK;
}
