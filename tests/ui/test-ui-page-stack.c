/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "adiuva-page-stack.h"
#include "test-ui-util.h"

/* The window's page stack in a real window: one page shown, every page laid out, and the
 * keyboard following to the page shown once it is drawn, back to where it was. */

typedef struct
{
  GtkWindow       *window;
  AdiuvaPageStack *stack;
  GtkWidget       *pages[2];
  GtkWidget       *entries[2][2]; /* two per page */
  guint            frames;
  guint            notified;
} Fixture;

static GtkWidget *
make_page (GtkWidget **entries)
{
  GtkWidget *box = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL,
                                 "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP, NULL);

  for (guint i = 0; i < 2; i++)
    {
      entries[i] = gtk_entry_new ();
      gtk_box_append (GTK_BOX (box), entries[i]);
    }

  return box;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  Fixture *fixture = user_data;

  fixture->frames++;
  return G_SOURCE_CONTINUE;
}

/* An entry's text takes the keyboard for it */
static gboolean
has_focus (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (data));

  return focus != NULL && (focus == data || gtk_widget_is_ancestor (focus, data));
}

static void
notified_cb (Fixture *fixture)
{
  fixture->notified++;
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 400, 300);
  fixture->stack = ADIUVA_PAGE_STACK (adiuva_page_stack_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->stack));
  g_signal_connect_swapped (fixture->stack, "notify::visible-child-name",
                            G_CALLBACK (notified_cb), fixture);

  for (guint i = 0; i < 2; i++)
    fixture->pages[i] = make_page (fixture->entries[i]);
  adiuva_page_stack_add (fixture->stack, fixture->pages[0], "first", "First");
  gtk_window_present (fixture->window);
  /* The tests start with the keyboard nowhere (GTK gives it to the first entry). */
  test_ui_wait_until (has_focus, fixture->entries[0][0]);
  gtk_root_set_focus (GTK_ROOT (fixture->window), NULL);

  /* Added to a realized stack: realized at once, so it does its work while hidden */
  adiuva_page_stack_add (fixture->stack, fixture->pages[1], "second", "Second");
  gtk_widget_add_tick_callback (GTK_WIDGET (fixture->stack), count_frame_cb, fixture, NULL);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  test_ui_destroy_window (fixture->window);
}

static void
wait_frames (Fixture *fixture,
             guint    n_frames)
{
  guint until = fixture->frames + n_frames;

  while (fixture->frames < until)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_pages (Fixture      *fixture,
            gconstpointer user_data)
{
  AdiuvaPageStack *stack = fixture->stack;

  /* The first page added is shown; the other is hidden but realized and laid out. */
  g_assert_true (adiuva_page_stack_get_visible_child (stack) == fixture->pages[0]);
  g_assert_cmpstr (adiuva_page_stack_get_visible_child_name (stack), ==, "first");
  g_assert_true (adiuva_page_stack_get_child_by_name (stack, "second") == fixture->pages[1]);
  g_assert_null (adiuva_page_stack_get_child_by_name (stack, "third"));
  g_assert_cmpuint (fixture->notified, ==, 1);
  g_assert_false (gtk_widget_get_child_visible (fixture->pages[1]));
  g_assert_true (gtk_widget_get_realized (fixture->pages[1]));
  wait_frames (fixture, 2);
  g_assert_false (gtk_widget_get_mapped (fixture->pages[1]));
  g_assert_cmpint (gtk_widget_get_width (fixture->pages[1]), ==,
                   gtk_widget_get_width (GTK_WIDGET (stack)));
  g_assert_cmpint (gtk_widget_get_height (fixture->pages[1]), >, 0);

  adiuva_page_stack_set_visible_child_name (stack, "second");
  g_assert_true (adiuva_page_stack_get_visible_child (stack) == fixture->pages[1]);
  g_assert_cmpuint (fixture->notified, ==, 2);
  g_assert_false (gtk_widget_get_mapped (fixture->pages[0]));
  g_assert_true (gtk_widget_get_mapped (fixture->pages[1]));

  /* Showing the page shown changes nothing */
  adiuva_page_stack_set_visible_child_name (stack, "second");
  g_assert_cmpuint (fixture->notified, ==, 2);
}

static void
test_focus (Fixture      *fixture,
            gconstpointer user_data)
{
  AdiuvaPageStack *stack = fixture->stack;
  GtkRoot         *root = GTK_ROOT (fixture->window);

  /* Nothing of the page has the keyboard: it stays where it is (as with the sidebar). */
  adiuva_page_stack_set_visible_child_name (stack, "second");
  wait_frames (fixture, 2);
  g_assert_null (gtk_root_get_focus (root));

  /* Asked for, the keyboard goes to the page's first widget, after the frame that shows it. */
  adiuva_page_stack_focus_visible_child (stack);
  g_assert_null (gtk_root_get_focus (root));
  test_ui_wait_until (has_focus, fixture->entries[1][0]);

  /* It had the keyboard: the keyboard goes with it, not in the frame that shows the next page
   * but once that frame is drawn. */
  gtk_widget_grab_focus (fixture->entries[1][1]);
  adiuva_page_stack_set_visible_child_name (stack, "first");
  g_assert_true (has_focus (fixture->entries[1][1]));
  test_ui_wait_until (has_focus, fixture->entries[0][0]);

  /* Back again: where it was in that page, not its first widget */
  adiuva_page_stack_set_visible_child_name (stack, "second");
  test_ui_wait_until (has_focus, fixture->entries[1][1]);

  /* Already in the page: asking again moves nothing */
  adiuva_page_stack_focus_visible_child (stack);
  wait_frames (fixture, 2);
  g_assert_true (has_focus (fixture->entries[1][1]));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/ui/page-stack/pages", Fixture, NULL, fixture_set_up, test_pages,
              fixture_tear_down);
  g_test_add ("/ui/page-stack/focus", Fixture, NULL, fixture_set_up, test_focus,
              fixture_tear_down);

  return g_test_run ();
}
