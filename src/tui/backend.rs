//! The terminal backend the runtime draws through: crossterm's backend over the vt filter and
//! a frame buffer, with a fixed size for tests, cursor show/hide sent only on change, empty
//! frames skipped, and the bell. [`RuntimeBackend`] is what the generic runtime needs beyond
//! ratatui's `Backend`; it is implemented for this backend and for ratatui's `TestBackend`.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::cursor::{Hide, MoveTo, Show};
use ratatui::crossterm::queue;
use ratatui::layout::{Position, Size};

/// What the runtime needs from a backend besides drawing.
pub trait RuntimeBackend: Backend {
    /// Rings the bell (BEL) after the frame.
    fn bell(&mut self) -> Result<(), Self::Error>;
    /// The terminal reported a new size. Backends that ask the terminal need do nothing.
    fn resized(&mut self, _width: u16, _height: u16) {}
}

impl RuntimeBackend for TestBackend {
    fn bell(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }

    fn resized(&mut self, width: u16, height: u16) {
        self.resize(width, height);
    }
}

/// Collects a frame's bytes and writes them in one go on `flush`. Unlike `BufWriter` it
/// does not write on drop, so a panic mid-frame leaves no half frame after the terminal was
/// restored.
#[derive(Debug)]
pub struct FrameBuffer<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> FrameBuffer<W> {
    /// Wraps a writer.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    /// The wrapped writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The wrapped writer, mutably.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
}

impl<W: Write> Write for FrameBuffer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.inner.flush()
    }
}

/// The real backend (also used by byte-level tests with a `Vec<u8>` writer and fixed size).
#[derive(Debug)]
pub struct TermBackend<W: Write> {
    inner: CrosstermBackend<W>,
    fixed: Option<Size>,
    cursor_visible: Option<bool>,
}

impl<W: Write> TermBackend<W> {
    /// A backend that asks the terminal for its size.
    pub fn new(writer: W) -> Self {
        Self {
            inner: CrosstermBackend::new(writer),
            fixed: None,
            cursor_visible: None,
        }
    }

    /// A backend of a fixed size (tests); [`RuntimeBackend::resized`] changes it.
    pub fn with_size(writer: W, width: u16, height: u16) -> Self {
        Self {
            inner: CrosstermBackend::new(writer),
            fixed: Some(Size::new(width, height)),
            cursor_visible: None,
        }
    }
}

impl<W: Write> Backend for TermBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut content = content.peekable();
        if content.peek().is_none() {
            // Nothing changed: skip the colour/attribute resets crossterm would send.
            return Ok(());
        }
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(false) {
            queue!(self.inner, Hide)?;
            self.cursor_visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(true) {
            queue!(self.inner, Show)?;
            self.cursor_visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        if self.fixed.is_some() {
            return Ok(Position::ORIGIN);
        }
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        queue!(self.inner, MoveTo(p.x, p.y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        match self.fixed {
            Some(s) => Ok(s),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        match self.fixed {
            Some(s) => Ok(WindowSize {
                columns_rows: s,
                pixels: Size::new(0, 0),
            }),
            None => self.inner.window_size(),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

impl<W: Write> RuntimeBackend for TermBackend<W> {
    fn bell(&mut self) -> io::Result<()> {
        self.inner.write_all(b"\x07")?;
        Backend::flush(&mut self.inner)
    }

    fn resized(&mut self, width: u16, height: u16) {
        if self.fixed.is_some() {
            self.fixed = Some(Size::new(width, height));
        }
    }
}
