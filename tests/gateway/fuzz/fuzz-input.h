/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* What the fuzz targets read from libFuzzer's bytes: a 5-byte header, then the body.
 *
 *   byte 0     bits 0-6: the decoder's size limit, 0 for the default, else that many times
 *              8 bytes, so that the TOO_LARGE paths are reached; bit 7: target-specific
 *   bytes 1-4  the sizes of the chunks the body is fed in, over and over: b + 1 below 128,
 *              (b - 127) * 64 from 128
 *
 * run-fuzzer puts this header in front of each recorded body it seeds the corpus with. */
#define FUZZ_HEADER_SIZE 5

typedef struct
{
  gsize         max_size; /* 0 for the decoder's default */
  gboolean      flag;
  gsize         sizes[4];
  const guint8 *body;
  gsize         len;
} FuzzInput;

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static inline gboolean
fuzz_input_parse (const uint8_t *data,
                  size_t         size,
                  FuzzInput     *input)
{
  if (size < FUZZ_HEADER_SIZE)
    return FALSE;

  input->max_size = (gsize) (data[0] & 0x7f) * 8;
  input->flag = (data[0] & 0x80) != 0;
  for (guint i = 0; i < G_N_ELEMENTS (input->sizes); i++)
    {
      guint8 b = data[1 + i];

      input->sizes[i] = b < 128 ? (gsize) b + 1 : (gsize) (b - 127) * 64;
    }
  input->body = data + FUZZ_HEADER_SIZE;
  input->len = size - FUZZ_HEADER_SIZE;

  return TRUE;
}

/* A critical from a g_return_val_if_fail() means a caller bug: let libFuzzer see it. */
static inline void
fuzz_make_warnings_fatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

G_END_DECLS
