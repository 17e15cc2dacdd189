/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "adiuva-chat-request.h"

G_BEGIN_DECLS

typedef struct _AdiuvaRateLimiter AdiuvaRateLimiter;

AdiuvaRateLimiter *adiuva_rate_limiter_new (void);
void               adiuva_rate_limiter_free (AdiuvaRateLimiter *self);

void     adiuva_rate_limiter_set_limit (AdiuvaRateLimiter *self,
                                        const char        *provider,
                                        const char        *model,
                                        guint              requests_per_minute,
                                        guint              tokens_per_minute);
gboolean adiuva_rate_limiter_get_limit (AdiuvaRateLimiter *self,
                                        const char        *provider,
                                        const char        *model,
                                        guint             *requests_per_minute,
                                        guint             *tokens_per_minute);

gboolean adiuva_rate_limiter_acquire (AdiuvaRateLimiter *self,
                                      const char        *provider,
                                      const char        *model,
                                      gint64             tokens,
                                      gint64            *wait_us,
                                      GError           **error);
void     adiuva_rate_limiter_reconcile (AdiuvaRateLimiter *self,
                                        const char        *provider,
                                        const char        *model,
                                        gint64             estimated_tokens,
                                        gint64             actual_tokens);

gint64 adiuva_rate_limiter_estimate_tokens (AdiuvaChatRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AdiuvaRateLimiter, adiuva_rate_limiter_free)

G_END_DECLS
