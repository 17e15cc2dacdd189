/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The benchmark's channel (tests/bench/bench-app.c), GTK-only so that the minimal window it
 * measures against reports its first frame with this same code. Nothing happens unless the
 * environment holds ADIUVA_BENCH_FD, a socket the benchmark passed down: events go to it as
 * lines, and the application quits when the benchmark closes its end. */

int  adiuva_bench_frame_get_fd (void);
void adiuva_bench_frame_report (const char *format,
                                ...) G_GNUC_PRINTF (1, 2);
void adiuva_bench_frame_watch (GtkWidget *window);

G_END_DECLS
