/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-store-types.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_RECORD (adiuva_record_get_type ())

G_DECLARE_DERIVABLE_TYPE (AdiuvaRecord, adiuva_record, ADIUVA, RECORD, GObject)

/**
 * AdiuvaRecordClass:
 * @table: the table that holds this kind of record
 * @entity: what change signals call it
 * @columns: %NULL-terminated names of the columns that map 1:1 to properties
 *   (`project_id` ↔ `project-id`), besides id, created_at and updated_at
 *
 * A row of the workspace. Subclasses describe their table; the store reads and writes them
 * through their properties, so adding a column is a property and a migration.
 */
struct _AdiuvaRecordClass
{
  GObjectClass parent_class;

  const char        *table;
  AdiuvaEntity       entity;
  const char *const *columns;

  gpointer padding[8];
};

gint64 adiuva_record_get_id (AdiuvaRecord *self);
gint64 adiuva_record_get_created_at (AdiuvaRecord *self);
gint64 adiuva_record_get_updated_at (AdiuvaRecord *self);

G_END_DECLS
