/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The data of bench-workload.c written through the store API: bench-store measures these
 * calls, bench-app fills the app's workspace with them. Unlike bench-workload.c, this file
 * links the store, so bench-sqlite-peer does not compile it. */

#include "adiuva-store.h"
#include "bench-workload.h"

G_BEGIN_DECLS

/* Projects first: tasks and notes refer to them by their 1-based index, which is their id. */
gboolean bench_seed_projects (AdiuvaStore *store,
                              BenchData   *data,
                              GError     **error);
/* In one transaction; @ms is the time the store took to save the prepared records. */
gboolean bench_seed_tasks (AdiuvaStore *store,
                           BenchData   *data,
                           double      *ms,
                           GError     **error);
gboolean bench_seed_notes (AdiuvaStore *store,
                           BenchData   *data,
                           double      *ms,
                           GError     **error);

/* Takes the key of the workspace in @dir out of the keyring. */
void bench_seed_forget_workspace (const char *dir);

G_END_DECLS
