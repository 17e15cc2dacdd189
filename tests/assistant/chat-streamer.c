/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "chat-streamer"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "adiuva-assistant.h"

/* The process test-chat-session kills with SIGKILL while an answer streams.
 *
 *   chat-streamer DIR
 *
 * Opens the workspace in DIR (its key and its providers' keys are in the keyring of the
 * test's session), starts a new conversation with the workspace's default model and sends
 * "Count to five". Each time the store reports the answer changed, it reads the answer back
 * from the store and prints "saved UNFINISHED ESCAPED-CONTENT". It never ends by itself. */

static void
changed_cb (AdiuvaStore *store,
            AdiuvaEntity entity,
            gint64       id,
            AdiuvaChange change,
            gpointer     user_data)
{
  g_autoptr (AdiuvaMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *escaped = NULL;

  if (entity != ADIUVA_ENTITY_MESSAGE || change == ADIUVA_CHANGE_REMOVED)
    return;
  message = adiuva_store_get (store, ADIUVA_TYPE_MESSAGE, id, &error);
  if (message == NULL)
    g_error ("chat-streamer: %s", error->message);
  if (adiuva_message_get_role (message) != ADIUVA_MESSAGE_ROLE_ASSISTANT)
    return;
  escaped = g_strescape (adiuva_message_get_content (message), NULL);
  printf ("saved %d %s\n", adiuva_message_get_unfinished (message), escaped);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AdiuvaStore) store = NULL;
  g_autoptr (AdiuvaWorkspaceGateway) gateway = NULL;
  g_autoptr (AdiuvaChatSession) session = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s DIR\n", argv[0]);
      return 2;
    }

  /* Never outlive the test, however it ends. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    return 1;

  store = adiuva_store_open (argv[1], NULL, NULL, &error);
  if (store == NULL)
    {
      g_printerr ("chat-streamer: %s\n", error->message);
      return 1;
    }
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), NULL);
  gateway = adiuva_workspace_gateway_new (store);
  session = adiuva_chat_session_new (gateway, NULL);
  if (!adiuva_chat_session_send (session, "Count to five", &error))
    {
      g_printerr ("chat-streamer: %s\n", error->message);
      return 1;
    }

  for (;;)
    g_main_context_iteration (NULL, TRUE);
}
