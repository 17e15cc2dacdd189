/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "adiuva-record.h"

G_BEGIN_DECLS

#define ADIUVA_TYPE_CLIENT (adiuva_client_get_type ())

G_DECLARE_FINAL_TYPE (AdiuvaClient, adiuva_client, ADIUVA, CLIENT, AdiuvaRecord)

AdiuvaClient *adiuva_client_new (void);

const char *adiuva_client_get_name (AdiuvaClient *self);
void        adiuva_client_set_name (AdiuvaClient *self, const char *name);
const char *adiuva_client_get_email (AdiuvaClient *self);
void        adiuva_client_set_email (AdiuvaClient *self, const char *email);
const char *adiuva_client_get_notes (AdiuvaClient *self);
void        adiuva_client_set_notes (AdiuvaClient *self, const char *notes);

G_END_DECLS
