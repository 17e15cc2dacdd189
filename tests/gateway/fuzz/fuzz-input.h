/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* What the fuzz targets read from libFuzzer's bytes: a 5-byte header, then the body.
 *
 *   byte 0     bits 0-6: the decoder's size limit, 0 for the default, else that many times
 *              8 bytes, so that the TOO_LARGE paths are reached (targets that have no limit
 *              to set choose what they fuzz with these bits); bit 7: target-specific
 *   bytes 1-4  the sizes of the chunks the body is fed in, over and over: b + 1 below 128,
 *              (b - 127) * 64 from 128
 *
 * run-fuzzer puts this header in front of each recorded body it seeds the corpus with. */
#define FUZZ_HEADER_SIZE 5

typedef struct
{
  guint         selector; /* bits 0-6 of byte 0 */
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

  input->selector = data[0] & 0x7f;
  input->max_size = (gsize) input->selector * 8;
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

/* GLib stops on a fatal message with SIGTRAP, which libFuzzer does not catch: abort, so
 * that it keeps the input as crash-*. */
static inline void
fuzz_log_cb (const char    *log_domain,
             GLogLevelFlags log_level,
             const char    *message,
             gpointer       user_data)
{
  if ((log_level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                    G_LOG_LEVEL_WARNING)) == 0)
    {
      g_log_default_handler (log_domain, log_level, message, user_data);
      return;
    }

  /* Not through GLib's writer, which would stop with SIGTRAP itself. */
  fprintf (stderr, "%s: %s\n", log_domain != NULL ? log_domain : "fuzz", message);
  abort ();
}

/* A critical from a g_return_val_if_fail() means a caller bug: let libFuzzer see it. */
static inline void
fuzz_make_warnings_fatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_default_handler (fuzz_log_cb, NULL);
}

G_END_DECLS
