/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How a decoder test cuts a body into the chunks it feeds, as a network might deliver them:
 * each call returns the size of the next chunk (it is clamped to what remains). */
typedef gsize (*TestNextChunkFunc) (gpointer state,
                                    gsize    remaining);

gsize test_chunks_whole (gpointer state,
                         gsize    remaining);
gsize test_chunks_split (gpointer state,
                         gsize    remaining);
gsize test_chunks_byte (gpointer state,
                        gsize    remaining);
gsize test_chunks_random (gpointer state,
                          gsize    remaining);

void test_assert_same_log (const GString *reference,
                           const GString *result,
                           const char    *how);

G_END_DECLS
