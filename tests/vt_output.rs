//! The `vt` profile's byte rules, checked on real frames written by the real runtime loop
//! through the real backend and output filter: only 7-bit ASCII, no `38;5`/`48;5`/`38;2`
//! colours, no SGR 22/23/24/25/27, no `?1049`/`?1000`/`?2004`/`?2026`. Also the style
//! discipline of the vt theme, the cost of a menu move, and the loop's frame behaviour.

mod support;

use ratatui::style::{Color, Modifier};
use tallyman::tui::backend::TermBackend;
use tallyman::tui::terminal::InputEvent;
use tallyman::tui::testing::{buffer_text, test_clock, SharedBuf, TestSetup};
use tallyman::tui::vt_filter::{vt_violations, VtFilter};
use tallyman::tui::{Exit, NullRunner, Profile, Runtime};

use support::screens::{keys, Rt};

/// A runtime over a capturing backend. `theme` decides the styles, `filter` the output filter.
fn runtime(w: u16, h: u16, theme: Profile, filter: bool) -> (Rt, SharedBuf) {
    let buf = SharedBuf::new();
    let backend = TermBackend::with_size(VtFilter::new(buf.clone(), filter), w, h);
    let state = TestSetup::new(w, h, theme).build().state;
    let rt = Runtime::new(backend, state, Box::new(NullRunner), test_clock()).unwrap();
    (rt, buf)
}

/// Every screen, errors, scans with GS, resizes, and a redraw.
fn session(rt: &mut Rt, buf: &SharedBuf, mut check: impl FnMut(&str, Vec<u8>)) {
    rt.draw().unwrap();
    check("first frame", buf.take());
    let steps: Vec<(&str, Vec<InputEvent>)> = vec![
        ("help", keys("?")),
        ("help scroll", keys("<down><down><pgdn>")),
        ("back", keys("0")),
        ("menu move", keys("<down>")),
        ("menu error", keys("5")),
        ("ack", keys("<enter>")),
        ("diagnostics", keys("9")),
        ("scan", keys("SN-1<gs>21X<enter>")),
        ("keys", keys("<f2><f12><alt-x><ctrl-l>")),
        ("code error", keys("/zz<enter>")),
        ("resize small", vec![InputEvent::Resize(20, 16)]),
        ("resize 40x8", vec![InputEvent::Resize(40, 8)]),
        ("too small", vec![InputEvent::Resize(12, 5)]),
        ("resize wide", vec![InputEvent::Resize(132, 43)]),
        ("help in input", keys("<f1>")),
        ("back twice", keys("<f3><f3>")),
        ("typed code", keys("/h")),
    ];
    for (name, events) in steps {
        assert_eq!(rt.step(events).unwrap(), None, "{name}");
        check(name, buf.take());
    }
}

#[test]
fn vt_frames_follow_the_byte_rules() {
    for (w, h) in [(20, 16), (40, 8), (80, 24), (132, 43)] {
        let (mut rt, buf) = runtime(w, h, Profile::Vt, true);
        let mut total = 0;
        session(&mut rt, &buf, |name, bytes| {
            total += bytes.len();
            let v = vt_violations(&bytes);
            assert!(
                v.is_empty(),
                "{w}x{h} {name}: {v:?}\n{}",
                String::from_utf8_lossy(&bytes)
            );
        });
        assert!(total > 1000, "{w}x{h}: suspiciously few bytes ({total})");
    }
}

#[test]
fn the_filter_alone_cleans_a_colourful_unicode_frame() {
    // Full-profile styles (colour, Unicode rule, control pictures) through the vt filter:
    // the filter must catch what style discipline would otherwise have to.
    let (mut rt, buf) = runtime(80, 24, Profile::Full, true);
    session(&mut rt, &buf, |name, bytes| {
        let v = vt_violations(&bytes);
        assert!(v.is_empty(), "{name}: {v:?}");
    });
    // Without the filter the same frames break the rules (so the checker is not blind).
    let (mut rt, buf) = runtime(80, 24, Profile::Full, false);
    let mut broken = 0;
    session(&mut rt, &buf, |_, bytes| {
        broken += vt_violations(&bytes).len()
    });
    assert!(broken > 0);
}

#[test]
fn vt_theme_uses_only_vt_styles_and_ascii() {
    for (w, h) in [(20, 16), (40, 8), (80, 24)] {
        for script in ["", "?", "5", "9SN-1<gs>X<enter>", "9<f1>", "/q"] {
            let mut app = TestSetup::new(w, h, Profile::Vt).build();
            app.keys(script);
            let buf = app.buffer();
            let allowed = Modifier::BOLD | Modifier::UNDERLINED | Modifier::REVERSED;
            for cell in buf.content() {
                assert!(cell.symbol().is_ascii(), "{script}: {:?}", cell.symbol());
                assert_eq!(cell.fg, Color::Reset, "{script}");
                assert_eq!(cell.bg, Color::Reset, "{script}");
                assert!(
                    allowed.contains(cell.modifier),
                    "{script}: {:?}",
                    cell.modifier
                );
            }
        }
    }
}

#[test]
fn no_color_strips_colour_but_keeps_emphasis() {
    let mut setup = TestSetup::new(80, 24, Profile::Full);
    setup.colour = false;
    let mut app = setup.build();
    app.keys("5");
    let buf = app.buffer();
    assert!(buf
        .content()
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(buf
        .content()
        .iter()
        .any(|c| c.modifier.contains(Modifier::REVERSED | Modifier::BOLD)));
}

#[test]
fn a_menu_move_costs_at_most_200_bytes_at_80x24_vt() {
    let (mut rt, buf) = runtime(80, 24, Profile::Vt, true);
    rt.draw().unwrap();
    buf.take();
    rt.step(keys("<down>")).unwrap();
    let bytes = buf.take();
    eprintln!(
        "menu move at 80x24 vt: {} bytes: {:?}",
        bytes.len(),
        String::from_utf8_lossy(&bytes)
    );
    assert!(bytes.len() <= 200, "{} bytes", bytes.len());
    assert!(!bytes.is_empty());
    // And back up: same cost.
    rt.step(keys("<up>")).unwrap();
    assert!(buf.take().len() <= 200);
}

#[test]
fn a_batch_without_changes_writes_nothing() {
    let (mut rt, buf) = runtime(80, 24, Profile::Vt, true);
    rt.draw().unwrap();
    buf.take();
    rt.step(Vec::new()).unwrap();
    assert_eq!(buf.take(), b"");
    // A key the menu ignores (Tab) changes nothing either.
    rt.step(keys("<tab>")).unwrap();
    assert_eq!(buf.take(), b"");
}

#[test]
fn a_batch_is_drawn_once() {
    // Ten moves in one batch cost no more than one frame's diff.
    let (mut rt, buf) = runtime(80, 24, Profile::Vt, true);
    rt.draw().unwrap();
    buf.take();
    rt.step(keys(
        "<down><down><down><down><down><down><down><down><down><down><down>",
    ))
    .unwrap();
    let batched = buf.take().len();
    assert!(batched <= 200, "{batched}");
}

#[test]
fn redraw_repaints_everything_and_the_bell_rings_after_the_frame() {
    let (mut rt, buf) = runtime(40, 8, Profile::Vt, true);
    rt.draw().unwrap();
    buf.take();
    rt.step(keys("<ctrl-l>")).unwrap();
    let bytes = buf.take();
    assert!(String::from_utf8_lossy(&bytes).contains("\x1b[2J"));
    assert!(bytes.len() > 100);
    rt.step(keys("5")).unwrap();
    let bytes = buf.take();
    assert_eq!(
        bytes.last(),
        Some(&0x07),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(vt_violations(&bytes).is_empty());
}

#[test]
fn the_loop_ends_on_quit_and_on_signals() {
    let (mut rt, _buf) = runtime(20, 16, Profile::Vt, true);
    assert_eq!(rt.step(keys("0")).unwrap(), Some(Exit::Quit));
    let (mut rt, _buf) = runtime(20, 16, Profile::Vt, true);
    assert_eq!(
        rt.step(vec![InputEvent::Signal(15)]).unwrap(),
        Some(Exit::Signal(15))
    );
    let (mut rt, _buf) = runtime(20, 16, Profile::Vt, true);
    let (tx, rx) = std::sync::mpsc::channel();
    for ev in keys("9SN-1<enter><f3>") {
        tx.send(ev).unwrap();
    }
    tx.send(InputEvent::Signal(1)).unwrap();
    assert_eq!(rt.run(&rx).unwrap(), Exit::Signal(1));
    let (mut rt, _buf) = runtime(20, 16, Profile::Vt, true);
    drop(tx);
    let (tx2, rx2) = std::sync::mpsc::channel::<InputEvent>();
    drop(tx2);
    assert!(matches!(rt.run(&rx2).unwrap(), Exit::InputClosed(_)));
}

#[test]
fn the_runtime_draws_what_the_view_draws() {
    // The real loop over ratatui's TestBackend: generic over the backend.
    use ratatui::backend::TestBackend;
    let state = TestSetup::new(20, 16, Profile::Vt).build().state;
    let mut rt = Runtime::new(
        TestBackend::new(20, 16),
        state,
        Box::new(NullRunner),
        test_clock(),
    )
    .unwrap();
    rt.step(keys("9")).unwrap();
    let text = buffer_text(rt.backend().buffer());
    assert!(text.contains("Scan:"), "{text}");
    rt.step(vec![InputEvent::Resize(40, 8)]).unwrap();
    let text = buffer_text(rt.backend().buffer());
    assert!(text.starts_with(" Tallyman: Diagnostics"), "{text}");
}
