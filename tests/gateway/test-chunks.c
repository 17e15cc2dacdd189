/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-test-chunks"

#include "config.h"

#include <string.h>

#include "test-chunks.h"

gsize
test_chunks_whole (gpointer state,
                   gsize    remaining)
{
  return remaining;
}

/* @state points to the size of the first chunk, which may be empty; then comes the rest. */
gsize
test_chunks_split (gpointer state,
                   gsize    remaining)
{
  gsize *first = state;
  gsize  size = *first;

  *first = G_MAXSIZE;
  return size;
}

gsize
test_chunks_byte (gpointer state,
                  gsize    remaining)
{
  return 1;
}

/* @state is a GRand. Mostly small chunks, now and then a large one. */
gsize
test_chunks_random (gpointer state,
                    gsize    remaining)
{
  GRand *rand = state;

  if (g_rand_int_range (rand, 0, 8) == 0)
    return g_rand_int_range (rand, 1, 4096);
  return g_rand_int_range (rand, 1, 48);
}

/* Compares two decoding logs, showing where they part. */
void
test_assert_same_log (const GString *reference,
                      const GString *result,
                      const char    *how)
{
  gsize i = 0;

  /* g_string_equal() compares byte by byte, which shows in the time of these tests. */
  if (reference->len == result->len && memcmp (reference->str, result->str, result->len) == 0)
    return;

  while (i < reference->len && i < result->len && reference->str[i] == result->str[i])
    i++;
  g_test_message ("Decoding %s differs from decoding whole at log byte %" G_GSIZE_FORMAT, how, i);
  g_assert_cmpstr (reference->str + (i > 40 ? i - 40 : 0), ==,
                   result->str + (i > 40 ? i - 40 : 0));
}
