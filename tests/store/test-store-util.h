/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store.h"

G_BEGIN_DECLS

/* A new workspace in a folder of its own, with every change signal it emits kept in order. */
typedef struct
{
  char        *dir; /* the workspace, in a temporary folder removed with it */
  AdiuvaStore *store;
  GArray      *changes; /* of Change */
} Fixture;

typedef struct
{
  AdiuvaEntity entity;
  gint64       id;
  AdiuvaChange change;
} Change;

void test_store_fixture_set_up (Fixture      *fixture,
                                gconstpointer data);
void test_store_fixture_tear_down (Fixture      *fixture,
                                   gconstpointer data);

G_END_DECLS
