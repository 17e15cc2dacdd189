/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

void _adiuva_record_set_id (AdiuvaRecord *self,
                            gint64        id);
void _adiuva_record_set_times (AdiuvaRecord *self,
                               gint64        created_at,
                               gint64        updated_at);

/* Subclasses use these as their get_property/set_property: values live in the record, and
 * setting an equal value does not notify. */
void          _adiuva_record_get_value_property (GObject    *object,
                                                 guint       prop_id,
                                                 GValue     *value,
                                                 GParamSpec *pspec);
void          _adiuva_record_set_value_property (GObject      *object,
                                                 guint         prop_id,
                                                 const GValue *value,
                                                 GParamSpec   *pspec);
void          _adiuva_record_take_value (AdiuvaRecord *self,
                                         guint         prop_id,
                                         GValue       *value);
const GValue *_adiuva_record_peek_value (AdiuvaRecord *self,
                                         guint         prop_id);

#define ADIUVA_RECORD_PROP_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

G_END_DECLS
