//! Keeps the database's files private: folders 0700 and files 0600 set explicitly (the
//! umask is not trusted), or 0770 / 0660 with a group when the site's config names one.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::OnceLock;

/// The group that may share the database's files (`[database] group`), as a gid.
static GROUP: OnceLock<Option<u32>> = OnceLock::new();

/// Lets the members of `gid` read and write the database's files (set once, at start).
pub fn share_with_group(gid: Option<u32>) {
    let _ = GROUP.set(gid);
}

fn group() -> Option<u32> {
    GROUP.get().copied().flatten()
}

/// The modes of a folder and of a file.
fn modes() -> (u32, u32) {
    match group() {
        Some(_) => (0o770, 0o660),
        None => (0o700, 0o600),
    }
}

fn set(path: &Path, mode: u32) -> std::io::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    if let Some(gid) = group() {
        nix::unistd::chown(path, None, Some(nix::unistd::Gid::from_raw(gid)))
            .map_err(std::io::Error::from)?;
    }
    Ok(())
}

/// Makes a file private.
pub fn file(path: &Path) -> std::io::Result<()> {
    set(path, modes().1)
}

/// Creates a folder (and its parents) when missing, and makes it private.
pub fn dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    set(path, modes().0)
}

/// Makes a folder and everything in it private (the store's files, made by sled).
pub fn tree(path: &Path) -> std::io::Result<()> {
    let (dir_mode, file_mode) = modes();
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        set(path, dir_mode)?;
        for item in std::fs::read_dir(path)? {
            tree(&item?.path())?;
        }
    } else if meta.is_file() {
        set(path, file_mode)?;
    }
    Ok(())
}

/// Files and folders under `path` that others (or, without a group, the group) may read,
/// with their modes.
pub fn exposed(path: &Path) -> Vec<(std::path::PathBuf, u32)> {
    let allowed_group = group().is_some();
    let mut found = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        let open_to = if allowed_group { 0o007 } else { 0o077 };
        if mode & open_to & 0o044 != 0 {
            found.push((p.clone(), mode));
        }
        if meta.is_dir() {
            if let Ok(items) = std::fs::read_dir(&p) {
                stack.extend(items.flatten().map(|i| i.path()));
            }
        }
    }
    found.sort();
    found
}
