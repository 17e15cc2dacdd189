/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-chat-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-accessible.h"
#include "adiuva-chat-message-row.h"
#include "adiuva-chat-page-private.h"
#include "adiuva-record-actions.h"
#include "adiuva-status-page.h"
#include "adiuva-window.h"

/* Chat: the conversations (newest first) beside the open one, an AdiuvaChatSession shown as
 * message rows, with a composer under it and the model picker over it. The picker and every
 * answer's footer say whether the answer is made on this computer or by a cloud provider.
 * What went wrong with an answer shows under it, in words of its own with a way forward. The
 * page takes the window's AdiuvaWorkspaceGateway, the one Preferences changes, so a provider
 * added there is here at once. */
struct _AdiuvaChatPage
{
  GtkWidget parent_instance;

  AdiuvaStore                 *store;
  AdiuvaWorkspaceGateway      *gateway;
  AdiuvaConversationListModel *conversations;
  AdiuvaChatSession           *session;
  GListModel                  *choices;
  GtkFilterListModel          *filtered_choices;
  GtkCustomFilter             *choice_filter;
  GCancellable                *cancellable;
  char                        *model_place;
  char                        *current_model; /* what the model button shows */
  gboolean                     stick_to_bottom;
  guint                        scroll_source;

  AdwLeaflet        *leaflet;
  GtkWidget         *list_pane;
  GtkStack          *list_stack;
  GtkListBox        *conversations_list;
  GtkStack          *conversation_stack;
  GtkWidget         *chat_pane;
  GtkLabel          *title_label;
  GtkMenuButton     *model_button;
  GtkImage          *model_icon;
  GtkLabel          *model_label;
  GtkPopover        *model_popover;
  GtkSearchEntry    *model_search;
  GtkLabel          *model_status;
  GtkListView       *model_list;
  GtkScrolledWindow *scroller;
  GtkWidget         *empty_chat;
  GtkListBox        *messages_list;
  GtkWidget         *problem_box;
  GtkImage          *problem_icon;
  GtkLabel          *problem_title;
  GtkLabel          *problem_description;
  GtkLabel          *problem_detail;
  GtkButton         *problem_primary;
  GtkButton         *problem_secondary;
  GtkTextView       *composer_view;
  GtkStack          *send_stack;
};

G_DEFINE_FINAL_TYPE (AdiuvaChatPage, adiuva_chat_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_GATEWAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void open_conversation (AdiuvaChatPage     *self,
                               AdiuvaConversation *conversation);

static gint64
conversation_id (AdiuvaChatPage *self)
{
  AdiuvaConversation *conversation;

  if (self->session == NULL)
    return 0;

  conversation = adiuva_chat_session_get_conversation (self->session);
  return conversation != NULL ? adiuva_record_get_id (ADIUVA_RECORD (conversation)) : 0;
}

static AdiuvaModelChoice *
find_choice (AdiuvaChatPage *self,
             const char     *reference)
{
  guint n = self->choices != NULL ? g_list_model_get_n_items (self->choices) : 0;

  for (guint i = 0; reference != NULL && i < n; i++)
    {
      g_autoptr (AdiuvaModelChoice) choice = g_list_model_get_item (self->choices, i);

      if (g_strcmp0 (adiuva_model_choice_get_reference (choice), reference) == 0)
        return g_steal_pointer (&choice);
    }

  return NULL;
}

static AdiuvaModelChoice *
find_local_choice (AdiuvaChatPage *self)
{
  guint n = self->choices != NULL ? g_list_model_get_n_items (self->choices) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AdiuvaModelChoice) choice = g_list_model_get_item (self->choices, i);

      if (adiuva_model_choice_get_is_local (choice))
        return g_steal_pointer (&choice);
    }

  return NULL;
}

/* Where a model's answers are made, in the user's words. */
static char *
describe_place (AdiuvaModelChoice *choice)
{
  const char *provider = adiuva_model_choice_get_provider (choice);

  if (adiuva_model_choice_get_is_local (choice))
    return g_strdup (_ ("On this computer"));
  if (provider != NULL)
    /* TRANSLATORS: %s is a provider's name as the user named it (openai, work…) */
    return g_strdup_printf (_ ("In the cloud (%s)"), provider);
  if (g_strcmp0 (adiuva_model_choice_get_reference (choice), "auto") == 0)
    return g_strdup (_ ("Your routes choose for each message"));

  return g_strdup (_ ("An alias"));
}

/* Its icon: a computer, a server for a cloud provider, the sparkles for an alias or auto,
 * which may lead to either. */
static const char *
place_icon_name (AdiuvaModelChoice *choice)
{
  if (choice == NULL || (!adiuva_model_choice_get_is_local (choice) &&
                         adiuva_model_choice_get_provider (choice) == NULL))
    return "adiuva-sparkles-symbolic";

  return adiuva_model_choice_get_is_local (choice) ? "computer-symbolic"
                                                   : "network-server-symbolic";
}

/* The picker's row of @choice (a box: place icon, names, check mark) marks the model in use,
 * for the eye and for screen readers. */
static void
mark_choice_row (AdiuvaChatPage    *self,
                 GtkWidget         *box,
                 AdiuvaModelChoice *choice)
{
  gboolean current =
      g_strcmp0 (adiuva_model_choice_get_reference (choice), self->current_model) == 0;

  gtk_widget_set_visible (gtk_widget_get_last_child (box), current);
  gtk_accessible_update_state (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_STATE_SELECTED, current, -1);
  if (current)
    gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    _ ("The model in use"), -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* A row the picker made (a child of the list view, which holds one box), and its choice. */
static AdiuvaModelChoice *
get_row_choice (GtkWidget  *row,
                GtkWidget **box)
{
  *box = gtk_widget_get_first_child (row);
  return *box != NULL ? g_object_get_data (G_OBJECT (*box), "choice") : NULL;
}

static void
mark_choice_rows (AdiuvaChatPage *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->model_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget         *box;
      AdiuvaModelChoice *choice = get_row_choice (row, &box);

      if (choice != NULL)
        mark_choice_row (self, box, choice);
    }
}

/* The model button */

static void
update_model_button (AdiuvaChatPage *self)
{
  const char      *model = NULL;
  g_autofree char *default_model = NULL;
  g_autoptr (AdiuvaModelChoice) choice = NULL;
  g_autofree char *accessible = NULL;

  if (self->session != NULL)
    model = adiuva_chat_session_get_model (self->session);
  if (model == NULL && self->gateway != NULL)
    model = default_model = adiuva_workspace_gateway_dup_default_model (self->gateway, NULL);

  g_clear_pointer (&self->model_place, g_free);
  choice = find_choice (self, model);
  if (choice != NULL)
    self->model_place = describe_place (choice);

  gtk_label_set_label (self->model_label, model != NULL ? model : _ ("Choose a Model"));
  gtk_image_set_from_icon_name (self->model_icon, place_icon_name (choice));
  if (model != NULL && self->model_place != NULL)
    /* TRANSLATORS: the model button, for screen readers: “Model: openai/gpt-4o, in the cloud
     * (openai)” */
    accessible = g_strdup_printf (_ ("Model: %s, %s"), model, self->model_place);
  else if (model != NULL)
    accessible = g_strdup_printf (_ ("Model: %s"), model);
  else
    accessible = g_strdup (_ ("Choose a model"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->model_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  if (g_strcmp0 (model, self->current_model) != 0)
    {
      g_free (self->current_model);
      self->current_model = g_strdup (model);
      mark_choice_rows (self);
    }
}

static void
choices_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GListModel) choices = NULL;
  g_autoptr (GError) error = NULL;
  AdiuvaChatPage *self;

  choices = adiuva_model_choices_list_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = ADIUVA_CHAT_PAGE (user_data);
  if (choices == NULL)
    {
      gtk_label_set_label (self->model_status, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->model_status), TRUE);
      return;
    }

  g_set_object (&self->choices, choices);
  gtk_filter_list_model_set_model (self->filtered_choices, choices);
  gtk_widget_set_visible (GTK_WIDGET (self->model_status), g_list_model_get_n_items (choices) == 0);
  gtk_label_set_label (self->model_status, _ ("The providers list no models. Check them in "
                                              "Preferences."));
  update_model_button (self);
}

/* The providers, their models and the default model: again whenever Preferences (or anything
 * else) changes the workspace's gateway settings. */
static void
gateway_changed_cb (AdiuvaChatPage *self)
{
  g_autoptr (GPtrArray) providers = NULL;
  gboolean has_providers;

  providers = adiuva_workspace_gateway_read_providers (self->gateway, NULL);
  has_providers = providers != NULL && providers->len > 0;
  /* Hidden rather than only not shown, so that the conversation's many widgets get no style
   * (nor measuring) while the setup page is all there is: the Chat page's first frame. */
  gtk_widget_set_visible (self->chat_pane, has_providers);
  gtk_stack_set_visible_child_name (self->conversation_stack, has_providers ? "chat" : "setup");

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->model_status, _ ("Asking the providers for their models…"));
  gtk_widget_set_visible (GTK_WIDGET (self->model_status), TRUE);
  adiuva_model_choices_list_async (self->gateway, self->cancellable, choices_cb, self);
  update_model_button (self);
}

static void
set_gateway (AdiuvaChatPage         *self,
             AdiuvaWorkspaceGateway *gateway)
{
  if (gateway == NULL || self->gateway == gateway)
    return;

  g_assert (self->gateway == NULL);
  self->gateway = g_object_ref (gateway);
  g_signal_connect_object (gateway, "changed", G_CALLBACK (gateway_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gateway_changed_cb (self);
  open_conversation (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GATEWAY]);
}

/* The model list */

static gboolean
choice_matches (gpointer item,
                gpointer user_data)
{
  AdiuvaChatPage  *self = user_data;
  const char      *search = gtk_editable_get_text (GTK_EDITABLE (self->model_search));
  g_autofree char *folded_search = NULL;
  g_autofree char *folded = NULL;

  if (search[0] == '\0')
    return TRUE;

  folded_search = g_utf8_casefold (search, -1);
  folded = g_utf8_casefold (adiuva_model_choice_get_reference (item), -1);
  return strstr (folded, folded_search) != NULL;
}

static void
setup_choice_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *place = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (place), 0);
  gtk_widget_add_css_class (place, "caption");
  gtk_widget_add_css_class (place, "dim-label");
  gtk_box_append (GTK_BOX (texts), name);
  gtk_box_append (GTK_BOX (texts), place);
  gtk_widget_set_hexpand (texts, TRUE);
  /* Its meaning reaches screen readers as the row's state and description. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_widget_set_visible (check, FALSE);
  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (item, box);
}

static void
bind_choice_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                AdiuvaChatPage           *self)
{
  AdiuvaModelChoice *choice = gtk_list_item_get_item (item);
  GtkWidget         *box = gtk_list_item_get_child (item);
  GtkWidget         *icon = gtk_widget_get_first_child (box);
  GtkWidget         *texts = gtk_widget_get_next_sibling (icon);
  GtkWidget         *name = gtk_widget_get_first_child (texts);
  g_autofree char   *place = describe_place (choice);
  g_autofree char   *accessible = NULL;

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), place_icon_name (choice));
  gtk_label_set_label (GTK_LABEL (name), adiuva_model_choice_get_reference (choice));
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_next_sibling (name)), place);
  accessible = g_strdup_printf ("%s, %s", adiuva_model_choice_get_reference (choice), place);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  g_object_set_data_full (G_OBJECT (box), "choice", g_object_ref (choice), g_object_unref);
  mark_choice_row (self, box, choice);
}

static void
use_model (AdiuvaChatPage *self,
           const char     *reference)
{
  g_autoptr (GError) error = NULL;

  gtk_popover_popdown (self->model_popover);
  if (!adiuva_chat_session_set_model (self->session, reference, &error))
    {
      adiuva_toast_show_error (GTK_WIDGET (self), error);
      return;
    }
  update_model_button (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

static void
model_activated_cb (AdiuvaChatPage *self,
                    guint           position)
{
  g_autoptr (AdiuvaModelChoice) choice =
      g_list_model_get_item (G_LIST_MODEL (self->filtered_choices), position);

  if (choice != NULL)
    use_model (self, adiuva_model_choice_get_reference (choice));
}

static void
model_search_changed_cb (AdiuvaChatPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->choice_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Enter in the search takes the first model that matches. */
static void
model_search_activate_cb (AdiuvaChatPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered_choices)) > 0)
    model_activated_cb (self, 0);
}

static void
model_popover_shown_cb (AdiuvaChatPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->model_search), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->model_search));
}

/* A new conversation invites a question, unless a problem (no model…) is there to read. */
static void
update_empty (AdiuvaChatPage *self)
{
  gboolean has_messages =
      g_list_model_get_n_items (adiuva_chat_session_get_messages (self->session)) > 0;

  gtk_widget_set_visible (self->empty_chat,
                          !has_messages && !gtk_widget_get_visible (self->problem_box));
  gtk_widget_set_visible (GTK_WIDGET (self->messages_list), has_messages);
}

/* Problems */

static void
set_problem_button (GtkButton  *button,
                    const char *label,
                    const char *action_name)
{
  gtk_widget_set_visible (GTK_WIDGET (button), label != NULL);
  gtk_button_set_label (button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
}

/* What the page says about each problem, and the two ways out it offers. */
typedef struct
{
  const char *icon; /* NULL: dialog-warning-symbolic */
  const char *title;
  const char *description;
  const char *primary, *primary_action;
  const char *secondary, *secondary_action;
} ProblemView;

#define USE_LOCAL_ACTION "chat.use-local-model"

/* clang-format off */
static const ProblemView problem_views[] = {
  [ADIUVA_CHAT_PROBLEM_NO_MODEL] = {
    NULL, N_ ("No Model Chosen"),
    N_ ("Choose the model that answers, or set a default model in Preferences."),
    N_ ("Choose a Model"), "chat.choose-model", N_ ("Open Preferences"), "app.preferences" },
  [ADIUVA_CHAT_PROBLEM_OFFLINE] = {
    "network-offline-symbolic", N_ ("The Provider Cannot Be Reached"),
    N_ ("This computer may be offline, or the provider’s server is down. Try again in a "
        "moment, or ask a model that runs on this computer."),
    N_ ("Try Again"), "chat.regenerate", N_ ("Use a Local Model"), USE_LOCAL_ACTION },
  [ADIUVA_CHAT_PROBLEM_BAD_KEY] = {
    "dialog-password-symbolic", N_ ("The API Key Was Refused"),
    N_ ("The provider did not accept the key saved for it: it may be mistyped, revoked or "
        "out of credit. Enter a working key in Preferences."),
    N_ ("Open Preferences"), "app.preferences", NULL, NULL },
  [ADIUVA_CHAT_PROBLEM_RATE_LIMITED] = {
    "alarm-symbolic", N_ ("Too Many Requests"),
    N_ ("The provider asks to slow down, or a rate limit you set was reached. Wait a moment, "
        "then try again."),
    N_ ("Try Again"), "chat.regenerate", NULL, NULL },
  [ADIUVA_CHAT_PROBLEM_BUDGET_REACHED] = {
    NULL, N_ ("Budget Reached"),
    N_ ("A spending budget you set is used up, so nothing was sent. Raise it in Preferences, "
        "wait for the next day or month, or ask a local model, which costs nothing."),
    N_ ("Open Preferences"), "app.preferences", N_ ("Use a Local Model"), USE_LOCAL_ACTION },
  [ADIUVA_CHAT_PROBLEM_MODEL_NOT_FOUND] = {
    NULL, N_ ("Model Not Found"),
    N_ ("The provider does not know this model, or the provider is no longer set up. Choose "
        "another model."),
    N_ ("Choose a Model"), "chat.choose-model", NULL, NULL },
  [ADIUVA_CHAT_PROBLEM_PROVIDER_FAILED] = {
    "dialog-error-symbolic", N_ ("The Answer Broke Off"),
    N_ ("The provider failed, or sent something that could not be read. What came before is "
        "kept. Try again, or choose another model."),
    N_ ("Try Again"), "chat.regenerate", N_ ("Choose a Model"), "chat.choose-model" },
};
/* clang-format on */

static void
update_problem (AdiuvaChatPage *self)
{
  AdiuvaChatProblem  problem = adiuva_chat_session_get_problem (self->session);
  const char        *error_message = adiuva_chat_session_get_error_message (self->session);
  const ProblemView *view = NULL;
  const char        *secondary;

  if ((guint) problem < G_N_ELEMENTS (problem_views) && problem_views[problem].title != NULL)
    view = &problem_views[problem];

  gtk_widget_set_visible (self->problem_box,
                          view != NULL && !adiuva_chat_session_get_busy (self->session));
  update_empty (self);
  if (view == NULL)
    return;

  /* Offered only when the workspace has one. */
  secondary = view->secondary;
  if (g_strcmp0 (view->secondary_action, USE_LOCAL_ACTION) == 0)
    {
      g_autoptr (AdiuvaModelChoice) local = find_local_choice (self);

      if (local == NULL)
        secondary = NULL;
    }

  gtk_image_set_from_icon_name (self->problem_icon,
                                view->icon != NULL ? view->icon : "dialog-warning-symbolic");
  gtk_label_set_label (self->problem_title, _ (view->title));
  gtk_label_set_label (self->problem_description, _ (view->description));
  gtk_label_set_label (self->problem_detail, error_message != NULL ? error_message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_detail), error_message != NULL);
  set_problem_button (self->problem_primary, _ (view->primary), view->primary_action);
  set_problem_button (self->problem_secondary, secondary != NULL ? _ (secondary) : NULL,
                      view->secondary_action);
}

/* The open conversation */

static void
update_actions (AdiuvaChatPage *self)
{
  GListModel *messages = adiuva_chat_session_get_messages (self->session);
  gboolean    busy = adiuva_chat_session_get_busy (self->session);
  gboolean    has_messages = g_list_model_get_n_items (messages) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.regenerate", !busy && has_messages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.edit-last", !busy && has_messages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.copy-last", has_messages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.delete", conversation_id (self) != 0);
  gtk_stack_set_visible_child_name (self->send_stack, busy ? "stop" : "send");
  update_empty (self);
}

static void
update_title (AdiuvaChatPage *self)
{
  AdiuvaConversation *conversation = adiuva_chat_session_get_conversation (self->session);
  const char         *title = conversation != NULL ? adiuva_conversation_get_title (conversation)
                                                   : NULL;

  gtk_label_set_label (self->title_label,
                       title != NULL && *title != '\0' ? title : _ ("New Chat"));
}

static void
select_current_conversation (AdiuvaChatPage *self)
{
  gint64 id = conversation_id (self);
  guint  n;

  if (self->conversations == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));
  gtk_list_box_unselect_all (self->conversations_list);
  for (guint i = 0; id != 0 && i < n; i++)
    {
      g_autoptr (AdiuvaConversation) conversation =
          g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

      if (adiuva_record_get_id (ADIUVA_RECORD (conversation)) == id)
        {
          gtk_list_box_select_row (self->conversations_list,
                                   gtk_list_box_get_row_at_index (self->conversations_list, i));
          return;
        }
    }
}

static void
session_conversation_cb (AdiuvaChatPage *self)
{
  update_title (self);
  update_actions (self);
  select_current_conversation (self);
}

static void
session_busy_cb (AdiuvaChatPage *self)
{
  update_actions (self);
  update_problem (self);
}

static GtkWidget *
create_message_row (gpointer item,
                    gpointer user_data)
{
  AdiuvaChatPage *self = user_data;

  return adiuva_chat_message_row_new (self->session, item);
}

/* The page lets go of its conversation: the answer stops where it is (its text is kept; a
 * session streams on until stopped). */
static void
drop_session (AdiuvaChatPage *self)
{
  if (self->session == NULL)
    return;

  adiuva_chat_session_stop (self->session);
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_signal_handlers_disconnect_by_data (adiuva_chat_session_get_messages (self->session), self);
  gtk_list_box_bind_model (self->messages_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->session);
}

static void
open_conversation (AdiuvaChatPage     *self,
                   AdiuvaConversation *conversation)
{
  g_autofree char *model = NULL;

  if (self->gateway == NULL)
    return;

  /* A new conversation starts from the model picked last. */
  if (self->session != NULL && conversation == NULL)
    model = g_strdup (adiuva_chat_session_get_model (self->session));
  drop_session (self);

  self->session = adiuva_chat_session_new (self->gateway, conversation);
  if (model != NULL)
    adiuva_chat_session_set_model (self->session, model, NULL);
  gtk_list_box_bind_model (self->messages_list, adiuva_chat_session_get_messages (self->session),
                           create_message_row, self, NULL);
  g_signal_connect_object (self->session, "notify::busy", G_CALLBACK (session_busy_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::problem", G_CALLBACK (update_problem), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::error-message", G_CALLBACK (update_problem),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::model", G_CALLBACK (update_model_button), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::conversation",
                           G_CALLBACK (session_conversation_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adiuva_chat_session_get_messages (self->session), "items-changed",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  self->stick_to_bottom = TRUE;
  update_title (self);
  update_actions (self);
  update_problem (self);
  update_model_button (self);
  select_current_conversation (self);
}

/* Following the answer as it grows, unless the user scrolled up to read. */
static void
scroll_value_changed_cb (AdiuvaChatPage *self,
                         GtkAdjustment  *adjustment)
{
  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >=
                          gtk_adjustment_get_upper (adjustment) -
                              gtk_adjustment_get_page_size (adjustment) - 24;
}

static gboolean
scroll_to_bottom_cb (gpointer user_data)
{
  AdiuvaChatPage *self = user_data;
  GtkAdjustment  *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_source = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                            gtk_adjustment_get_page_size (adjustment));

  return G_SOURCE_REMOVE;
}

/* Once the list has its new size: set from within its allocation, the value would not stay. */
static void
scroll_changed_cb (AdiuvaChatPage *self,
                   GtkAdjustment  *adjustment)
{
  if (self->stick_to_bottom && self->scroll_source == 0)
    self->scroll_source = g_idle_add (scroll_to_bottom_cb, self);
}

/* The conversations */

static GtkWidget *
create_conversation_row (gpointer item,
                         gpointer user_data)
{
  AdiuvaConversation *conversation = item;
  const char         *title = adiuva_conversation_get_title (conversation);
  const char         *model = adiuva_conversation_get_model (conversation);
  GtkWidget          *row = gtk_list_box_row_new ();
  GtkWidget          *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget          *label = gtk_label_new (title != NULL && *title != '\0' ? title
                                                                             : _ ("New Chat"));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  if (model != NULL)
    {
      GtkWidget *caption = gtk_label_new (model);

      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_box_append (GTK_BOX (box), caption);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static void
conversations_changed_cb (AdiuvaChatPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
  select_current_conversation (self);
}

static void
conversation_activated_cb (AdiuvaChatPage *self,
                           GtkListBoxRow  *row)
{
  g_autoptr (AdiuvaConversation) conversation = g_list_model_get_item (
      G_LIST_MODEL (self->conversations), gtk_list_box_row_get_index (row));

  if (conversation == NULL)
    return;

  if (adiuva_record_get_id (ADIUVA_RECORD (conversation)) != conversation_id (self))
    open_conversation (self, conversation);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->conversation_stack));
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

/* Actions */

/* A problem with asking (no model, a provider gone) is shown under the conversation with its
 * way forward; anything else (the workspace cannot be written) in a toast. */
static void
report_failure (AdiuvaChatPage *self,
                const GError   *error)
{
  if (adiuva_chat_session_get_problem (self->session) == ADIUVA_CHAT_PROBLEM_NONE)
    adiuva_toast_show_error (GTK_WIDGET (self), error);
}

static void
send (AdiuvaChatPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*text == '\0' || adiuva_chat_session_get_busy (self->session))
    return;

  /* What was typed stays in the composer when it could not be sent. */
  if (!adiuva_chat_session_send (self->session, text, &error))
    {
      report_failure (self, error);
      return;
    }
  gtk_text_buffer_set_text (buffer, "", -1);
  self->stick_to_bottom = TRUE;
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->conversation_stack));
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  send (ADIUVA_CHAT_PAGE (widget));
}

static gboolean
composer_key_pressed_cb (AdiuvaChatPage        *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter) ||
      (state & (GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  send (self);
  return TRUE;
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adiuva_chat_session_stop (ADIUVA_CHAT_PAGE (widget)->session);
}

static void
regenerate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);
  g_autoptr (GError) error = NULL;

  self->stick_to_bottom = TRUE;
  if (!adiuva_chat_session_regenerate (self->session, &error))
    report_failure (self, error);
}

/* The last message row whose message has @role, or %NULL. */
static AdiuvaChatMessageRow *
find_last_row (AdiuvaChatPage   *self,
               AdiuvaMessageRole role)
{
  for (GtkWidget *child = gtk_widget_get_last_child (GTK_WIDGET (self->messages_list));
       child != NULL; child = gtk_widget_get_prev_sibling (child))
    if (ADIUVA_IS_CHAT_MESSAGE_ROW (child) &&
        adiuva_message_get_role (adiuva_chat_message_row_get_message (
            ADIUVA_CHAT_MESSAGE_ROW (child))) == role)
      return ADIUVA_CHAT_MESSAGE_ROW (child);

  return NULL;
}

static void
copy_last_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AdiuvaChatMessageRow *row = find_last_row (ADIUVA_CHAT_PAGE (widget),
                                             ADIUVA_MESSAGE_ROLE_ASSISTANT);

  if (row != NULL)
    adiuva_chat_message_row_copy (row);
}

static void
edit_last_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AdiuvaChatMessageRow *row = find_last_row (ADIUVA_CHAT_PAGE (widget), ADIUVA_MESSAGE_ROLE_USER);

  if (row != NULL)
    adiuva_chat_message_row_start_editing (row);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);

  open_conversation (self, NULL);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->conversation_stack));
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AdiuvaChatPage     *self = ADIUVA_CHAT_PAGE (widget);
  AdiuvaConversation *conversation = adiuva_chat_session_get_conversation (self->session);
  g_autoptr (AdiuvaConversation) deleted = NULL;
  g_autoptr (GError) error = NULL;
  const char *title;

  if (conversation == NULL)
    return;

  /* Stopped first, so no late token is saved into what is being deleted. */
  adiuva_chat_session_stop (self->session);
  deleted = g_object_ref (conversation);
  title = adiuva_conversation_get_title (deleted);
  if (!adiuva_record_delete_with_undo (widget, self->store, ADIUVA_RECORD (deleted),
                                       title != NULL && *title != '\0' ? title : _ ("New Chat"),
                                       &error))
    {
      adiuva_toast_show_error (widget, error);
      return;
    }
  open_conversation (self, NULL);
}

static void
step_conversation (AdiuvaChatPage *self,
                   int             step)
{
  GListModel *conversations = G_LIST_MODEL (self->conversations);
  guint       n = g_list_model_get_n_items (conversations);
  gint64      id = conversation_id (self);
  int         index = step > 0 ? -1 : (int) n;
  g_autoptr (AdiuvaConversation) next = NULL;

  for (guint i = 0; id != 0 && i < n; i++)
    {
      g_autoptr (AdiuvaConversation) conversation = g_list_model_get_item (conversations, i);

      if (adiuva_record_get_id (ADIUVA_RECORD (conversation)) == id)
        index = i;
    }

  index += step;
  if (index < 0 || (guint) index >= n)
    return;

  next = g_list_model_get_item (conversations, index);
  open_conversation (self, next);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  step_conversation (ADIUVA_CHAT_PAGE (widget), 1);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  step_conversation (ADIUVA_CHAT_PAGE (widget), -1);
}

static void
choose_model_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->conversation_stack));
  gtk_menu_button_popup (self->model_button);
}

static void
use_model_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  use_model (ADIUVA_CHAT_PAGE (widget), g_variant_get_string (parameter, NULL));
}

/* After an offline provider or a used-up budget: the first local model answers instead. */
static void
use_local_model_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);
  g_autoptr (AdiuvaModelChoice) local = find_local_choice (self);

  if (local == NULL)
    {
      gtk_menu_button_popup (self->model_button);
      return;
    }

  use_model (self, adiuva_model_choice_get_reference (local));
  gtk_widget_activate_action (widget, "chat.regenerate", NULL);
}

static void
focus_composer_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->conversation_stack));
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

/* On a narrow window the conversation is a panel over the list; Escape goes back to it. */
static void
update_back_cb (AdiuvaChatPage *self)
{
  gtk_widget_action_set_enabled (
      GTK_WIDGET (self), "chat.back",
      adw_leaflet_get_folded (self->leaflet) &&
          adw_leaflet_get_visible_child (self->leaflet) != self->list_pane);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  gtk_widget_grab_focus (GTK_WIDGET (self->conversations_list));
}

/* GObject */

/* Shown (Ctrl+6, the sidebar, a narrow window's list), the conversation takes the keyboard to
 * the message field, where the page's shortcuts work, unless the keyboard is in the page
 * already. The field is mapped once the leaflet has laid the page out, later than the page. */
static void
composer_mapped_cb (AdiuvaChatPage *self)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* Given the keyboard before it was mapped (adiuva_chat_page_focus()), the field has it
   * without GTK 4.8 having told screen readers: Orca said nothing after Ctrl+6. Given again
   * now that it shows, it is announced. */
  if (focus == GTK_WIDGET (self->composer_view))
    {
      gtk_root_set_focus (root, NULL);
      focus = NULL;
    }
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->composer_view));
}

/* Coming in from outside (Ctrl+6, Tab from the sidebar), the keyboard goes to the message field
 * rather than the first button, even before the leaflet has mapped the field. */
static gboolean
adiuva_chat_page_focus (GtkWidget       *widget,
                        GtkDirectionType direction)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);
  GtkRoot        *root = gtk_widget_get_root (widget);
  GtkWidget      *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean        list_only = adw_leaflet_get_folded (self->leaflet) &&
                       adw_leaflet_get_visible_child (self->leaflet) == self->list_pane;

  if (direction == GTK_DIR_TAB_FORWARD && (focus == NULL || !gtk_widget_is_ancestor (focus, widget)) &&
      !list_only && g_strcmp0 (_adiuva_chat_page_get_state (self), "chat") == 0 &&
      gtk_widget_grab_focus (GTK_WIDGET (self->composer_view)))
    return TRUE;
  return GTK_WIDGET_CLASS (adiuva_chat_page_parent_class)->focus (widget, direction);
}

/* The page is made with the workspace only (adiuva-pages.c); the gateway is the window's. */
static void
adiuva_chat_page_root (GtkWidget *widget)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (widget);
  GtkRoot        *root;

  GTK_WIDGET_CLASS (adiuva_chat_page_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (self->gateway == NULL && ADIUVA_IS_WINDOW (root))
    set_gateway (self, adiuva_window_get_workspace_gateway (ADIUVA_WINDOW (root)));
}

static void
adiuva_chat_page_dispose (GObject *object)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->scroll_source, g_source_remove);
  drop_session (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_CHAT_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->choices);
  g_clear_object (&self->filtered_choices);
  g_clear_object (&self->conversations);
  g_clear_object (&self->gateway);
  g_clear_object (&self->store);
  g_clear_pointer (&self->model_place, g_free);
  g_clear_pointer (&self->current_model, g_free);

  G_OBJECT_CLASS (adiuva_chat_page_parent_class)->dispose (object);
}

static void
adiuva_chat_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_GATEWAY:
      g_value_set_object (value, self->gateway);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_chat_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AdiuvaChatPage *self = ADIUVA_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      self->conversations = adiuva_conversation_list_model_new (self->store, -1);
      gtk_list_box_bind_model (self->conversations_list, G_LIST_MODEL (self->conversations),
                               create_conversation_row, NULL, NULL);
      /* After the list box's own handler, so the rows are there to select. */
      g_signal_connect_object (self->conversations, "items-changed",
                               G_CALLBACK (conversations_changed_cb), self, G_CONNECT_SWAPPED);
      conversations_changed_cb (self);
      break;
    case PROP_GATEWAY:
      set_gateway (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
adiuva_chat_page_class_init (AdiuvaChatPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_chat_page_dispose;
  object_class->get_property = adiuva_chat_page_get_property;
  object_class->set_property = adiuva_chat_page_set_property;
  widget_class->root = adiuva_chat_page_root;
  widget_class->focus = adiuva_chat_page_focus;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, ADIUVA_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * AdiuvaChatPage:gateway:
   *
   * The workspace's gateway; when not given, the window's (adiuva_window_get_workspace_gateway())
   * once the page is in one.
   */
  properties[PROP_GATEWAY] =
      g_param_spec_object ("gateway", NULL, NULL, ADIUVA_TYPE_WORKSPACE_GATEWAY,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADIUVA_TYPE_CHAT_MESSAGE_ROW);
  g_type_ensure (ADIUVA_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-chat-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, list_pane);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, conversations_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, conversation_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, chat_pane);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_icon);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_popover);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_search);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_status);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, model_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, empty_chat);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, messages_list);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_box);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_icon);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_title);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_description);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_detail);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_primary);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, problem_secondary);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, composer_view);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatPage, send_stack);
  gtk_widget_class_bind_template_callback (widget_class, conversation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_popover_shown_cb);

  gtk_widget_class_install_action (widget_class, "chat.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "chat.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "chat.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "chat.regenerate", NULL, regenerate_action);
  gtk_widget_class_install_action (widget_class, "chat.copy-last", NULL, copy_last_action);
  gtk_widget_class_install_action (widget_class, "chat.edit-last", NULL, edit_last_action);
  gtk_widget_class_install_action (widget_class, "chat.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "chat.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "chat.choose-model", NULL, choose_model_action);
  gtk_widget_class_install_action (widget_class, "chat.use-model", "s", use_model_action);
  gtk_widget_class_install_action (widget_class, "chat.use-local-model", NULL,
                                   use_local_model_action);
  gtk_widget_class_install_action (widget_class, "chat.focus-composer", NULL,
                                   focus_composer_action);
  gtk_widget_class_install_action (widget_class, "chat.back", NULL, back_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "chat.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK,
                                       "chat.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "chat.regenerate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "chat.copy-last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "chat.edit-last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "chat.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "chat.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "chat.choose-model", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "chat.focus-composer", NULL);
  /* Escape stops an answer; otherwise it closes the conversation panel on a narrow window;
   * otherwise (both disabled) it goes on to the window. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "chat.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "chat.back", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
adiuva_chat_page_init (AdiuvaChatPage *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkNoSelection) selection = NULL;
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkAdjustment      *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));
  adiuva_accessible_clean_mnemonic_names (GTK_WIDGET (self));

  self->choice_filter = gtk_custom_filter_new (choice_matches, self, NULL);
  self->filtered_choices = gtk_filter_list_model_new (NULL, GTK_FILTER (self->choice_filter));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_choice_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_choice_cb), self);
  gtk_list_view_set_factory (self->model_list, factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered_choices)));
  gtk_list_view_set_model (self->model_list, GTK_SELECTION_MODEL (selection));

  /* Before the text view's own handling, which would insert a new line. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (composer_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->composer_view), keys);
  g_signal_connect_object (self->composer_view, "map", G_CALLBACK (composer_mapped_cb), self,
                           G_CONNECT_SWAPPED);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scroll_value_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (scroll_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->stick_to_bottom = TRUE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.delete", FALSE);
  update_back_cb (self);
}

AdiuvaChatSession *
_adiuva_chat_page_get_session (AdiuvaChatPage *self)
{
  return self->session;
}

void
_adiuva_chat_page_set_composer_text (AdiuvaChatPage *self,
                                     const char     *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_view), text, -1);
}

/* Which pane the conversation side shows: setup or chat. */
const char *
_adiuva_chat_page_get_state (AdiuvaChatPage *self)
{
  return gtk_stack_get_visible_child_name (self->conversation_stack);
}

guint
_adiuva_chat_page_get_n_conversations (AdiuvaChatPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->conversations));
}

AdiuvaChatMessageRow *
_adiuva_chat_page_get_message_row (AdiuvaChatPage *self,
                                   guint           index)
{
  return ADIUVA_CHAT_MESSAGE_ROW (gtk_list_box_get_row_at_index (self->messages_list, index));
}

/* The problem shown, %NULL when none is. */
const char *
_adiuva_chat_page_get_problem_title (AdiuvaChatPage *self)
{
  return gtk_widget_get_visible (self->problem_box) ? gtk_label_get_label (self->problem_title)
                                                    : NULL;
}

/* The action of a way forward of the problem shown, %NULL when it has none. */
const char *
_adiuva_chat_page_get_problem_action (AdiuvaChatPage *self,
                                      gboolean        primary)
{
  GtkButton *button = primary ? self->problem_primary : self->problem_secondary;

  return gtk_widget_get_visible (GTK_WIDGET (button))
             ? gtk_actionable_get_action_name (GTK_ACTIONABLE (button))
             : NULL;
}

GListModel *
_adiuva_chat_page_get_model_choices (AdiuvaChatPage *self)
{
  return self->choices;
}

const char *
_adiuva_chat_page_get_model_label (AdiuvaChatPage *self)
{
  return gtk_label_get_label (self->model_label);
}

/* Where the chosen model answers, as the button says it to screen readers. */
const char *
_adiuva_chat_page_get_model_place (AdiuvaChatPage *self)
{
  return self->model_place;
}

GtkWidget *
_adiuva_chat_page_get_model_popover (AdiuvaChatPage *self)
{
  return GTK_WIDGET (self->model_popover);
}

/* The reference of each picker row shown with a check mark, in order. */
GStrv
_adiuva_chat_page_dup_marked_models (AdiuvaChatPage *self)
{
  g_autoptr (GStrvBuilder) marked = g_strv_builder_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->model_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget         *box;
      AdiuvaModelChoice *choice = get_row_choice (row, &box);

      if (choice != NULL && gtk_widget_get_visible (gtk_widget_get_last_child (box)))
        g_strv_builder_add (marked, adiuva_model_choice_get_reference (choice));
    }
  return g_strv_builder_end (marked);
}

guint
_adiuva_chat_page_get_n_model_rows (AdiuvaChatPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered_choices));
}
