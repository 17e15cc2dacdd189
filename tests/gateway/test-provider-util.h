/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* adiuva-test-provider in its own process, and its control API (see README.md). */
typedef struct
{
  GSubprocess *process;
  char        *base; /* http://127.0.0.1:PORT */
  guint        port;
} TestProvider;

gboolean      test_provider_have_fixtures (void);
TestProvider *test_provider_start (void);
void          test_provider_stop (TestProvider *self);
GBytes       *test_provider_control (TestProvider *self,
                                     const char   *method,
                                     const char   *path,
                                     const char   *json);
void          test_provider_script (TestProvider *self,
                                    const char   *steps);
void          test_provider_reset (TestProvider *self);
JsonArray    *test_provider_requests (TestProvider *self);
guint         test_provider_count_requests (TestProvider *self,
                                            const char   *path_prefix);
guint         test_provider_closed_port (void);
void          test_keyring_set_stopped (gboolean stopped);
char         *test_provider_openai_answer (const char *content);
char         *test_provider_body_step (const char *match,
                                       const char *body);

/* An async call's result: pass test_keep_result_cb with a GAsyncResult * set to %NULL, then
 * test_wait_result() runs the main context until it is there (and returns it, still owned by
 * the caller's pointer). */
void          test_keep_result_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);
GAsyncResult *test_wait_result (GAsyncResult **result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestProvider, test_provider_stop)

G_END_DECLS
