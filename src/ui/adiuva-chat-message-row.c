/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "adiuva-chat-message-row"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "adiuva-chat-message-row-private.h"
#include "adiuva-format.h"
#include "adiuva-markdown-view.h"
#include "adiuva-record-actions.h"

/* One message of a chat: the user's as a bubble that can be edited and sent again, an answer
 * as formatted Markdown beside the sparkles that mark what the assistant wrote, with a footer
 * saying which model answered, where it ran, and what it took. An answer that is still
 * streaming is formatted again at most once a frame, however fast its tokens come. */
struct _AdiuvaChatMessageRow
{
  GtkListBoxRow parent_instance;

  AdiuvaChatSession *session;
  AdiuvaMessage     *message;
  gboolean           is_answer;
  guint              render_tick;
  guint              n_renders;
  char              *footer;

  GtkWidget          *bubble_line;
  GtkWidget          *sparkles;
  GtkStack           *content_stack;
  GtkWidget          *bubble;
  GtkLabel           *text_label;
  AdiuvaMarkdownView *markdown_view;
  GtkTextView        *edit_view;
  GtkWidget          *cut_off_label;
  GtkWidget          *meta_line;
  GtkImage           *place_icon;
  GtkLabel           *footer_label;
  GtkWidget          *edit_button;
  GtkWidget          *regenerate_button;
};

G_DEFINE_FINAL_TYPE (AdiuvaChatMessageRow, adiuva_chat_message_row, GTK_TYPE_LIST_BOX_ROW)

static const char *
content (AdiuvaChatMessageRow *self)
{
  const char *text = adiuva_message_get_content (self->message);

  return text != NULL ? text : "";
}

/* Showing the text */

static void
render (AdiuvaChatMessageRow *self)
{
  if (self->is_answer)
    {
      adiuva_markdown_view_set_markdown (self->markdown_view, content (self));
      /* GTK 4.8's text view, changed from a tick callback time after time, can keep the
       * height of its first, empty text: it is asked for its size again. */
      gtk_widget_queue_resize (GTK_WIDGET (self->markdown_view));
    }
  else
    gtk_label_set_text (self->text_label, content (self));
  self->n_renders++;
}

static gboolean
render_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  AdiuvaChatMessageRow *self = ADIUVA_CHAT_MESSAGE_ROW (widget);

  self->render_tick = 0;
  render (self);

  return G_SOURCE_REMOVE;
}

static void
content_changed_cb (AdiuvaChatMessageRow *self)
{
  /* The user's words change at once, when edited; off screen there are no frames to wait
   * for. */
  if (!self->is_answer || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    render (self);
  else if (self->render_tick == 0)
    self->render_tick =
        gtk_widget_add_tick_callback (GTK_WIDGET (self), render_tick_cb, NULL, NULL);
}

/* The footer */

static gboolean
is_streaming (AdiuvaChatMessageRow *self)
{
  GListModel *messages = adiuva_chat_session_get_messages (self->session);
  guint       n = g_list_model_get_n_items (messages);
  g_autoptr (AdiuvaMessage) last = n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;

  return adiuva_chat_session_get_busy (self->session) && last == self->message;
}

/* “oa/gpt-6-sol · In the cloud (oa) · 12 tokens in, 34 out · $0.0012 · first token after
 * 350 ms”: each part only when known (an answer of old may not say who made it), and “tokens
 * unknown” rather than a count the provider did not give. */
static char *
format_footer (const AdiuvaChatAnswerInfo *info)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *provider = NULL;
  const char      *slash;

  if (info->model != NULL)
    {
      g_ptr_array_add (parts, g_strdup (info->model));
      slash = strchr (info->model, '/');
      if (slash != NULL)
        provider = g_strndup (info->model, slash - info->model);
    }
  if (info->is_local)
    g_ptr_array_add (parts, g_strdup (_ ("On this computer")));
  else if (provider != NULL)
    /* TRANSLATORS: %s is the name of a provider (OpenAI, Anthropic…) as the user named it */
    g_ptr_array_add (parts, g_strdup_printf (_ ("In the cloud (%s)"), provider));

  if (info->tokens_in >= 0 && info->tokens_out >= 0)
    {
      g_autofree char *in = g_strdup_printf ("%" G_GINT64_FORMAT, info->tokens_in);
      g_autofree char *out = g_strdup_printf ("%" G_GINT64_FORMAT, info->tokens_out);

      /* TRANSLATORS: tokens read and written by a model; both %s are numbers */
      g_ptr_array_add (parts, g_strdup_printf (_ ("%s tokens in, %s out"), in, out));
    }
  /* A model answered, and its provider did not say how many tokens it took. */
  else if (info->model != NULL)
    g_ptr_array_add (parts, g_strdup (_ ("tokens unknown")));
  /* Local answers cost nothing; a cloud model without a list price is not said to be free. */
  if (!info->is_local && info->cost > 0)
    g_ptr_array_add (parts, adiuva_format_cost (info->cost));
  if (info->time_to_first_token_us >= 0)
    {
      g_autofree char *ttft = adiuva_format_duration_us (info->time_to_first_token_us);

      /* TRANSLATORS: %s is a duration such as “350 ms” */
      g_ptr_array_add (parts, g_strdup_printf (_ ("first token after %s"), ttft));
    }
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
update_footer (AdiuvaChatMessageRow *self)
{
  g_autoptr (AdiuvaChatAnswerInfo) info = NULL;
  gboolean known_place;

  if (!self->is_answer)
    return;

  /* What came before a crash is shown as it is, with Regenerate beside it. */
  gtk_widget_set_visible (self->cut_off_label,
                          adiuva_chat_session_is_cut_off (self->session, self->message));
  g_clear_pointer (&self->footer, g_free);
  /* While it streams, what will have answered is not known yet (routing, fallbacks). */
  if (!is_streaming (self))
    info = adiuva_chat_session_dup_answer_info (self->session, self->message);
  known_place = info != NULL &&
                (info->is_local || (info->model != NULL && strchr (info->model, '/') != NULL));
  if (info != NULL)
    {
      self->footer = format_footer (info);
      gtk_image_set_from_icon_name (self->place_icon, info->is_local ? "computer-symbolic"
                                                                     : "network-server-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->place_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      info->is_local ? _ ("On this computer") : _ ("In the cloud"),
                                      -1);
    }
  else if (is_streaming (self))
    self->footer = g_strdup (_ ("Writing…"));

  gtk_label_set_label (self->footer_label, self->footer != NULL ? self->footer : "");
  gtk_widget_set_visible (GTK_WIDGET (self->footer_label), self->footer != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->place_icon), known_place);
}

/* What can be done with the message now: an answer is regenerated and a message edited only
 * while no answer streams, and only the last answer is regenerated. */
static void
update_actions (AdiuvaChatMessageRow *self)
{
  GListModel *messages = adiuva_chat_session_get_messages (self->session);
  guint       n = g_list_model_get_n_items (messages);
  g_autoptr (AdiuvaMessage) last = n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;
  gboolean busy = adiuva_chat_session_get_busy (self->session);
  gboolean editing = _adiuva_chat_message_row_get_editing (self);

  gtk_widget_set_visible (self->regenerate_button, self->is_answer && last == self->message);
  gtk_widget_set_visible (self->edit_button, !self->is_answer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.regenerate",
                                 self->is_answer && last == self->message && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.edit",
                                 !self->is_answer && !busy && !editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.resend", editing && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.cancel-edit", editing);
}

static void
session_changed_cb (AdiuvaChatMessageRow *self)
{
  update_actions (self);
  update_footer (self);
}

static void
answer_finished_cb (AdiuvaChatMessageRow *self,
                    AdiuvaMessage        *answer)
{
  if (answer != self->message)
    return;

  /* The last tokens are shown now, not a frame later, with the footer that sums them up. */
  if (self->render_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->render_tick);
      self->render_tick = 0;
      render (self);
    }
  update_footer (self);
}

/* Actions */

/**
 * adiuva_chat_message_row_copy:
 *
 * Puts the message's text (Markdown, as written) on the clipboard.
 */
void
adiuva_chat_message_row_copy (AdiuvaChatMessageRow *self)
{
  g_return_if_fail (ADIUVA_IS_CHAT_MESSAGE_ROW (self));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), content (self));
  adiuva_toast_show (GTK_WIDGET (self), adw_toast_new (_ ("Copied")));
}

/**
 * adiuva_chat_message_row_start_editing:
 *
 * Turns the user's message into a field to change it and send it again (Ctrl+Enter).
 */
void
adiuva_chat_message_row_start_editing (AdiuvaChatMessageRow *self)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (ADIUVA_IS_CHAT_MESSAGE_ROW (self));

  if (self->is_answer || adiuva_chat_session_get_busy (self->session))
    return;

  buffer = gtk_text_view_get_buffer (self->edit_view);
  gtk_text_buffer_set_text (buffer, content (self), -1);
  gtk_stack_set_visible_child_name (self->content_stack, "edit");
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->edit_view));
}

static void
stop_editing (AdiuvaChatMessageRow *self)
{
  gboolean had_focus = gtk_widget_has_focus (GTK_WIDGET (self->edit_view));

  gtk_stack_set_visible_child_name (self->content_stack, "text");
  update_actions (self);
  if (had_focus)
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adiuva_chat_message_row_copy (ADIUVA_CHAT_MESSAGE_ROW (widget));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adiuva_chat_message_row_start_editing (ADIUVA_CHAT_MESSAGE_ROW (widget));
}

static void
cancel_edit_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  stop_editing (ADIUVA_CHAT_MESSAGE_ROW (widget));
}

static void
resend_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AdiuvaChatMessageRow *self = ADIUVA_CHAT_MESSAGE_ROW (widget);
  GtkTextBuffer        *buffer = gtk_text_view_get_buffer (self->edit_view);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter      start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  /* An empty message is no question: the field stays for the user to write one. */
  if (*text == '\0')
    return;

  /* Keep a reference: sending again removes the rows after this one. What could not be sent
   * stays in the field; a problem with asking (no model…) is shown under the conversation. */
  g_object_ref (self);
  if (adiuva_chat_session_edit_and_resend (self->session, self->message, text, &error))
    stop_editing (self);
  else if (adiuva_chat_session_get_problem (self->session) == ADIUVA_CHAT_PROBLEM_NONE)
    adiuva_toast_show_error (widget, error);
  g_object_unref (self);
}

static void
regenerate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AdiuvaChatMessageRow *self = ADIUVA_CHAT_MESSAGE_ROW (widget);
  g_autoptr (AdiuvaChatSession) session = g_object_ref (self->session);
  g_autoptr (GError) error = NULL;

  /* This row goes with the answer it replaces; the session stays. A problem with asking is
   * shown under the conversation. */
  if (!adiuva_chat_session_regenerate (session, &error) &&
      adiuva_chat_session_get_problem (session) == ADIUVA_CHAT_PROBLEM_NONE)
    adiuva_toast_show_error (widget, error);
}

/* GObject */

static void
adiuva_chat_message_row_dispose (GObject *object)
{
  AdiuvaChatMessageRow *self = ADIUVA_CHAT_MESSAGE_ROW (object);

  if (self->render_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->render_tick);
      self->render_tick = 0;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ADIUVA_TYPE_CHAT_MESSAGE_ROW);
  g_clear_object (&self->message);
  g_clear_object (&self->session);
  g_clear_pointer (&self->footer, g_free);

  G_OBJECT_CLASS (adiuva_chat_message_row_parent_class)->dispose (object);
}

static void
adiuva_chat_message_row_class_init (AdiuvaChatMessageRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adiuva_chat_message_row_dispose;

  g_type_ensure (ADIUVA_TYPE_MARKDOWN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/adiuva/Adiuva/adiuva-chat-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, bubble_line);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, sparkles);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, markdown_view);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, edit_view);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, cut_off_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, meta_line);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, place_icon);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, footer_label);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, AdiuvaChatMessageRow, regenerate_button);

  gtk_widget_class_install_action (widget_class, "message.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "message.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "message.cancel-edit", NULL, cancel_edit_action);
  gtk_widget_class_install_action (widget_class, "message.resend", NULL, resend_action);
  gtk_widget_class_install_action (widget_class, "message.regenerate", NULL, regenerate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "message.resend", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "message.resend", NULL);
  /* Only while editing (the action is disabled otherwise, and Escape goes on to the page). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "message.cancel-edit",
                                       NULL);
}

static void
adiuva_chat_message_row_init (AdiuvaChatMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "chat-message");
}

/**
 * adiuva_chat_message_row_new:
 * @session: the chat the message is in
 * @message: a message of @session
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
adiuva_chat_message_row_new (AdiuvaChatSession *session,
                             AdiuvaMessage     *message)
{
  AdiuvaChatMessageRow *self;

  g_return_val_if_fail (ADIUVA_IS_CHAT_SESSION (session), NULL);
  g_return_val_if_fail (ADIUVA_IS_MESSAGE (message), NULL);

  self = g_object_new (ADIUVA_TYPE_CHAT_MESSAGE_ROW, NULL);
  self->session = g_object_ref (session);
  self->message = g_object_ref (message);
  self->is_answer = adiuva_message_get_role (message) == ADIUVA_MESSAGE_ROLE_ASSISTANT;

  gtk_widget_add_css_class (GTK_WIDGET (self), self->is_answer ? "assistant" : "user");
  gtk_widget_set_visible (self->sparkles, self->is_answer);
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), !self->is_answer);
  gtk_widget_set_visible (GTK_WIDGET (self->markdown_view), self->is_answer);
  /* The user's words on the right, shorter than the line; answers take the width to read. */
  gtk_widget_set_halign (self->bubble_line, self->is_answer ? GTK_ALIGN_FILL : GTK_ALIGN_END);
  gtk_widget_set_halign (self->meta_line, self->is_answer ? GTK_ALIGN_FILL : GTK_ALIGN_END);
  gtk_widget_set_hexpand (GTK_WIDGET (self->content_stack), self->is_answer);
  if (!self->is_answer)
    gtk_widget_set_margin_start (self->bubble_line, 48);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->is_answer ? _ ("The assistant’s answer")
                                                  : _ ("Your message"),
                                  -1);

  g_signal_connect_object (message, "notify::content", G_CALLBACK (content_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adiuva_chat_session_get_messages (session), "items-changed",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "answer-finished", G_CALLBACK (answer_finished_cb), self,
                           G_CONNECT_SWAPPED);

  /* GTK 4.8's text view, given its text before it had a width (an answer loaded with its
   * conversation), keeps a height of 0 until asked for its size again once shown. */
  g_signal_connect (self, "map", G_CALLBACK (content_changed_cb), NULL);
  render (self);
  update_actions (self);
  update_footer (self);

  return GTK_WIDGET (self);
}

AdiuvaMessage *
adiuva_chat_message_row_get_message (AdiuvaChatMessageRow *self)
{
  g_return_val_if_fail (ADIUVA_IS_CHAT_MESSAGE_ROW (self), NULL);

  return self->message;
}

const char *
_adiuva_chat_message_row_get_shown_text (AdiuvaChatMessageRow *self)
{
  if (!self->is_answer)
    return gtk_label_get_text (self->text_label);

  return adiuva_markdown_view_get_markdown (self->markdown_view);
}

/* The height the text takes on screen, 0 until it is laid out. */
int
_adiuva_chat_message_row_get_text_height (AdiuvaChatMessageRow *self)
{
  return gtk_widget_get_height (self->is_answer ? GTK_WIDGET (self->markdown_view)
                                                : GTK_WIDGET (self->text_label));
}

guint
_adiuva_chat_message_row_get_n_renders (AdiuvaChatMessageRow *self)
{
  return self->n_renders;
}

const char *
_adiuva_chat_message_row_get_footer (AdiuvaChatMessageRow *self)
{
  return self->footer;
}

gboolean
_adiuva_chat_message_row_get_cut_off (AdiuvaChatMessageRow *self)
{
  return gtk_widget_get_visible (self->cut_off_label);
}

gboolean
_adiuva_chat_message_row_get_editing (AdiuvaChatMessageRow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "edit") == 0;
}

void
_adiuva_chat_message_row_set_edit_text (AdiuvaChatMessageRow *self,
                                        const char           *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->edit_view), text, -1);
}
