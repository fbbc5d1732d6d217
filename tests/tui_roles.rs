//! The screens offer what the user's role may do, at 20x16 on a VT220 handheld: footers show
//! only the keys the role may use, a key the role may not use says which role it needs and
//! starts no dialog, the lookup's actions list only what the role may do, and support cannot
//! join a count to scan. Driven through `update` with the real `OpsRunner` over the demo
//! database; the role is what the server said at start (`SessionInfo::role`).

mod support;
use std::sync::Arc;

use tallyman::domain::Role;
use tallyman::ops::local::Service;
use tallyman::tui::app::Screen;
use tallyman::tui::testing::{TestApp, TestSetup};
use tallyman::tui::Profile;

/// The demo database with count 2 over aisle A.
fn database() -> (tempfile::TempDir, Arc<Service>) {
    support::demo_with_aisle_count(200)
}

fn app(svc: &Arc<Service>, role: Role) -> TestApp {
    let mut setup = TestSetup::new(20, 16, Profile::Vt).keymap("vt220");
    setup.session.role = Some(role);
    setup.build().with_service(svc.clone())
}

/// The footer: the last line of the screen.
fn footer(app: &TestApp) -> String {
    app.render().lines().last().unwrap_or_default().to_string()
}

/// What the footer offers before it is fitted to the width: the top screen's hints.
fn offered(app: &TestApp) -> Vec<&'static str> {
    let screen = app.screen();
    tallyman::tui::screens::kind(screen)
        .hints(&app.state, screen)
        .into_iter()
        .map(|(_, label)| label)
        .collect()
}

#[test]
fn the_count_list_offers_new_count_review_and_cancel_only_to_supervisors() {
    let (_tmp, svc) = database();
    for (role, moves) in [
        (Role::Clerk, false),
        (Role::Supervisor, true),
        (Role::Admin, true),
    ] {
        let mut app = app(&svc, role);
        app.keys("1");
        assert!(matches!(app.screen(), Screen::CountList(_)), "{role}");
        let offered = offered(&app);
        assert!(offered.contains(&"Join"), "{role}: {offered:?}");
        for label in ["New count", "Review", "Cancel"] {
            assert_eq!(
                offered.contains(&label),
                moves,
                "{role} {label}: {offered:?}"
            );
        }
        // At 20 columns the footer shows what fits, Join first.
        assert!(footer(&app).starts_with("Enter Join"), "{}", footer(&app));
    }
}

#[test]
fn a_clerk_pressing_new_count_is_told_it_needs_a_supervisor_and_no_dialog_starts() {
    let (_tmp, svc) = database();
    let mut app = app(&svc, Role::Clerk);
    app.keys("1");
    let bells = app.bells;
    // new_count in the vt220 keymap (PF keys are unreliable: also the typed code).
    app.keys("/n<enter>");
    assert!(
        matches!(app.screen(), Screen::CountList(_)),
        "no dialog started"
    );
    assert_eq!(app.status(), Some("needs supervisor"));
    assert!(app.bells > bells, "the bell rings");
    // Review (close) the same.
    app.keys("/v<enter>");
    assert_eq!(app.status(), Some("needs supervisor"));
    assert!(matches!(app.screen(), Screen::CountList(_)));
}

#[test]
fn support_cannot_join_a_count_to_scan_and_sees_no_fix_keys_on_mismatches() {
    let (_tmp, svc) = database();
    let mut app = app(&svc, Role::Support);
    // Menu 1 (Count) is scanning: support is told before any list.
    app.keys("1");
    assert_eq!(app.screen(), &Screen::Menu);
    assert_eq!(app.status(), Some("needs clerk"));
    // Mismatches (reading) open; joining there means opening, not scanning.
    app.keys("<enter>2");
    assert!(matches!(app.screen(), Screen::MismatchCounts(_)));
    app.keys("2");
    assert!(
        matches!(app.screen(), Screen::Mismatches(_)),
        "{}",
        app.render()
    );
    let support_offers = offered(&app);
    // A supervisor on the same screen is offered the fixes.
    let mut sup = self::app(&svc, Role::Supervisor);
    sup.keys("22");
    assert!(matches!(sup.screen(), Screen::Mismatches(_)));
    let sup_offers = offered(&sup);
    let fixes: Vec<_> = sup_offers
        .iter()
        .filter(|l| !support_offers.contains(l))
        .collect();
    assert!(
        !fixes.is_empty(),
        "{sup_offers:?} against {support_offers:?}"
    );
    assert!(support_offers.iter().all(|l| sup_offers.contains(l)));
    assert_ne!(
        footer(&sup),
        footer(&app),
        "the footers differ at 20 columns"
    );
}

#[test]
fn the_lookup_actions_list_only_what_the_role_may_do() {
    let (_tmp, svc) = database();
    // A sold router of the demo (the guide's RT90000002).
    let mut clerk = app(&svc, Role::Clerk);
    clerk.keys("3");
    clerk.keys("RT90000002<enter>");
    clerk.keys("/a<enter>");
    let screen = clerk.render();
    assert!(matches!(clerk.screen(), Screen::Choose(_)), "{screen}");
    assert!(screen.contains("Activate"), "{screen}");
    assert!(screen.contains("Repair intake"), "{screen}");
    assert!(
        !screen.contains("replacement"),
        "a clerk may not replace: {screen}"
    );

    let mut sup = app(&svc, Role::Supervisor);
    sup.keys("3");
    sup.keys("RT90000002<enter>");
    sup.keys("/a<enter>");
    assert!(sup.render().contains("replacement"), "{}", sup.render());

    let mut support = app(&svc, Role::Support);
    support.keys("3");
    support.keys("RT90000002<enter>");
    assert!(!footer(&support).contains("Act"), "{}", footer(&support));
    support.keys("/a<enter>");
    assert!(matches!(support.screen(), Screen::Lookup(_)));
    assert_eq!(support.status(), Some("needs clerk"));
}
