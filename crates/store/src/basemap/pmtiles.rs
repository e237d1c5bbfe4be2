//! A PMTiles v3 archive (one file: a 127-byte header, a root directory,
//! leaf directories, tile data) read by hand: its directories are a few
//! varint lists, and the crates that read it bring an async runtime of
//! their own, HTTP and object-store back ends. Read only, positional reads,
//! no network.

use crate::{Result, StoreError};
use std::collections::HashMap;
use std::io::Read as _;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

const HEADER_LEN: usize = 127;
/// Directories nest at most this deep (the root, then leaves).
const MAX_DEPTH: usize = 4;
/// A directory larger than this is not believed (the spec keeps the root
/// within 16 KiB; leaves are a few hundred KiB at most).
const MAX_DIRECTORY_BYTES: u64 = 32 * 1024 * 1024;
/// Leaf directories kept decoded, at most.
const LEAF_CACHE: usize = 64;

/// How the directories or the tiles are compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
}

fn compression(byte: u8, what: &str) -> Result<Compression> {
    match byte {
        0 | 1 => Ok(Compression::None),
        2 => Ok(Compression::Gzip),
        3 => Err(corrupt(format!(
            "{what} compressed with brotli: only gzip or none are read"
        ))),
        4 => Err(corrupt(format!(
            "{what} compressed with zstd: only gzip or none are read"
        ))),
        other => Err(corrupt(format!("{what}: unknown compression {other}"))),
    }
}

fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt(format!("not a usable PMTiles v3 file: {what}"))
}

/// One entry of a directory: `run_length` tiles from `tile_id` share the
/// bytes at `offset`; a run length of 0 points to a leaf directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub tile_id: u64,
    pub offset: u64,
    pub length: u32,
    pub run_length: u32,
}

/// Leaf directories decoded, by their offset and length.
type Leaves = Mutex<HashMap<(u64, u32), Arc<Vec<Entry>>>>;

/// A file whose tiles are looked up by their Hilbert tile id.
#[derive(Debug)]
pub struct PmTiles {
    file: Arc<std::fs::File>,
    file_len: u64,
    root: Vec<Entry>,
    leaf_offset: u64,
    data_offset: u64,
    internal: Compression,
    tiles: Compression,
    leaves: Leaves,
    pub content_type: &'static str,
    pub min_zoom: u8,
    pub max_zoom: u8,
}

fn u64_at(h: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[at..at + 8]);
    u64::from_le_bytes(b)
}

impl PmTiles {
    /// Opens `path`, reading its header and root directory; refuses what is
    /// not a PMTiles v3 archive of raster tiles (png, jpeg, webp).
    pub fn open(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| corrupt(e.to_string()))?;
        let file_len = file.metadata().map_err(|e| corrupt(e.to_string()))?.len();
        let mut h = [0u8; HEADER_LEN];
        file.read_exact_at(&mut h, 0)
            .map_err(|_| corrupt(format!("{file_len} bytes, shorter than its header")))?;
        if &h[0..7] != b"PMTiles" {
            return Err(corrupt("no PMTiles signature".into()));
        }
        if h[7] != 3 {
            return Err(corrupt(format!("version {}, only 3 is read", h[7])));
        }
        let (root_offset, root_len) = (u64_at(&h, 8), u64_at(&h, 16));
        let (leaf_offset, leaf_len) = (u64_at(&h, 40), u64_at(&h, 48));
        let (data_offset, data_len) = (u64_at(&h, 56), u64_at(&h, 64));
        for (what, offset, len) in [
            ("root directory", root_offset, root_len),
            ("leaf directories", leaf_offset, leaf_len),
            ("tile data", data_offset, data_len),
        ] {
            if offset.checked_add(len).is_none_or(|end| end > file_len) {
                return Err(corrupt(format!(
                    "its {what} ({offset}+{len}) lies beyond the file's {file_len} bytes"
                )));
            }
        }
        let internal = compression(h[97], "directories")?;
        let tiles = compression(h[98], "tiles")?;
        let content_type = match h[99] {
            2 => "image/png",
            3 => "image/jpeg",
            4 => "image/webp",
            1 => {
                return Err(corrupt(
                    "vector tiles (MVT): only raster png, jpeg or webp tiles are drawn".into(),
                ));
            }
            other => {
                return Err(corrupt(format!(
                    "tile type {other}: only raster png, jpeg or webp tiles are drawn"
                )));
            }
        };
        let (min_zoom, max_zoom) = (h[100], h[101]);
        if min_zoom > max_zoom || max_zoom > 30 {
            return Err(corrupt(format!("zoom levels {min_zoom}–{max_zoom}")));
        }
        let file = Arc::new(file);
        let root = read_directory(&file, root_offset, root_len, internal)?;
        if root.is_empty() {
            return Err(corrupt("its root directory is empty".into()));
        }
        Ok(Self {
            file,
            file_len,
            root,
            leaf_offset,
            data_offset,
            internal,
            tiles,
            leaves: Mutex::new(HashMap::new()),
            content_type,
            min_zoom,
            max_zoom,
        })
    }

    fn leaf(&self, offset: u64, length: u32) -> Result<Arc<Vec<Entry>>> {
        let key = (offset, length);
        if let Some(d) = self.leaves.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(d);
        }
        let at = self
            .leaf_offset
            .checked_add(offset)
            .ok_or_else(|| corrupt("a leaf directory's offset".into()))?;
        let d = Arc::new(read_directory(
            &self.file,
            at,
            u64::from(length),
            self.internal,
        )?);
        if let Ok(mut m) = self.leaves.lock() {
            if m.len() >= LEAF_CACHE {
                m.clear();
            }
            m.insert(key, d.clone());
        }
        Ok(d)
    }

    /// The tile at zoom `z`, column `x`, row `y` counted from the top, its
    /// bytes as the map draws them (a gzipped tile is unpacked).
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        let Some(id) = tile_id(z, x, y) else {
            return Ok(None);
        };
        let mut dir: Arc<Vec<Entry>> = Arc::new(self.root.clone());
        for _ in 0..MAX_DEPTH {
            let Some(e) = find(&dir, id) else {
                return Ok(None);
            };
            if e.run_length > 0 {
                let at = self
                    .data_offset
                    .checked_add(e.offset)
                    .filter(|at| at.saturating_add(u64::from(e.length)) <= self.file_len)
                    .ok_or_else(|| corrupt(format!("tile {z}/{x}/{y} lies beyond the file")))?;
                let bytes = read_at(&self.file, at, u64::from(e.length))?;
                return match self.tiles {
                    Compression::None => Ok(Some(bytes)),
                    Compression::Gzip => gunzip(&bytes).map(Some),
                };
            }
            dir = self.leaf(e.offset, e.length)?;
        }
        Err(corrupt(format!("directories nest deeper than {MAX_DEPTH}")))
    }
}

fn read_at(file: &std::fs::File, offset: u64, len: u64) -> Result<Vec<u8>> {
    let n = usize::try_from(len).map_err(|_| corrupt(format!("{len} bytes")))?;
    let mut buf = vec![0u8; n];
    file.read_exact_at(&mut buf, offset)
        .map_err(|e| corrupt(format!("reading {len} bytes at {offset}: {e}")))?;
    Ok(buf)
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_DIRECTORY_BYTES * 4)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(format!("gzip: {e}")))?;
    Ok(out)
}

fn read_directory(
    file: &std::fs::File,
    offset: u64,
    len: u64,
    c: Compression,
) -> Result<Vec<Entry>> {
    if len > MAX_DIRECTORY_BYTES {
        return Err(corrupt(format!("a directory of {len} bytes")));
    }
    let raw = read_at(file, offset, len)?;
    let bytes = match c {
        Compression::None => raw,
        Compression::Gzip => gunzip(&raw)?,
    };
    decode_directory(&bytes)
}

struct Varints<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Varints<'_> {
    fn next(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self
                .bytes
                .get(self.at)
                .ok_or_else(|| corrupt("a directory ends inside a number".into()))?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("a directory holds a number over 64 bits".into()))
    }
}

/// A directory as the spec lays it out: the number of entries, then their
/// tile ids (each the difference from the one before), run lengths,
/// lengths, and offsets (0 for "right after the previous entry", else the
/// offset plus one).
pub fn decode_directory(bytes: &[u8]) -> Result<Vec<Entry>> {
    let mut r = Varints { bytes, at: 0 };
    let n = r.next()?;
    // Each entry takes at least four bytes.
    if n > bytes.len() as u64 {
        return Err(corrupt(format!(
            "a directory of {n} entries in {} bytes",
            bytes.len()
        )));
    }
    let n = n as usize;
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0
        };
        n
    ];
    let mut last = 0u64;
    for e in entries.iter_mut() {
        last = last
            .checked_add(r.next()?)
            .ok_or_else(|| corrupt("tile ids overflow".into()))?;
        e.tile_id = last;
    }
    let small = |v: u64| u32::try_from(v).map_err(|_| corrupt(format!("a length of {v}")));
    for e in entries.iter_mut() {
        e.run_length = small(r.next()?)?;
    }
    for e in entries.iter_mut() {
        e.length = small(r.next()?)?;
    }
    for i in 0..n {
        let v = r.next()?;
        entries[i].offset = if v == 0 && i > 0 {
            entries[i - 1].offset + u64::from(entries[i - 1].length)
        } else {
            v.checked_sub(1)
                .ok_or_else(|| corrupt("the first entry has no offset".into()))?
        };
    }
    if entries.windows(2).any(|w| w[1].tile_id <= w[0].tile_id) {
        return Err(corrupt("a directory's tile ids are not in order".into()));
    }
    Ok(entries)
}

/// The entry holding tile `id`: the last one starting at or before it,
/// if it reaches it (or is a leaf directory, which holds it if any does).
fn find(entries: &[Entry], id: u64) -> Option<Entry> {
    let i = entries
        .partition_point(|e| e.tile_id <= id)
        .checked_sub(1)?;
    let e = entries[i];
    let reaches = e.run_length == 0 || id - e.tile_id < u64::from(e.run_length);
    reaches.then_some(e)
}

/// The Hilbert tile id of `z`/`x`/`y` (`y` from the top): the tiles of
/// lower zooms first, then the position along the Hilbert curve.
pub fn tile_id(z: u8, x: u32, y: u32) -> Option<u64> {
    if z > 26 {
        return None;
    }
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    if x >= n || y >= n {
        return None;
    }
    let before = ((1u64 << (2 * u32::from(z))) - 1) / 3;
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = s - 1 - (x & (s - 1));
                y = s - 1 - (y & (s - 1));
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    Some(before + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_ids_follow_the_hilbert_curve_as_the_spec_counts_them() {
        assert_eq!(tile_id(0, 0, 0), Some(0));
        assert_eq!(tile_id(1, 0, 0), Some(1));
        assert_eq!(tile_id(1, 0, 1), Some(2));
        assert_eq!(tile_id(1, 1, 1), Some(3));
        assert_eq!(tile_id(1, 1, 0), Some(4));
        assert_eq!(tile_id(2, 0, 0), Some(5));
        assert_eq!(tile_id(12, 3423, 1763), Some(19_078_479));
        assert_eq!(tile_id(15, 27360, 15138), Some(1_222_593_891));
        assert_eq!(tile_id(1, 2, 0), None);
    }

    #[test]
    fn a_directory_decodes_with_runs_and_contiguous_offsets() {
        // Three entries: ids 5, 6, 10; run lengths 1, 1, 0 (a leaf);
        // lengths 100, 50, 30; offsets 0 (written 1), after, 500 (501).
        let bytes = [3, 5, 1, 4, 1, 1, 0, 100, 50, 30, 1, 0, 0xf5, 0x03];
        let d = decode_directory(&bytes).unwrap();
        assert_eq!(
            d,
            vec![
                Entry {
                    tile_id: 5,
                    offset: 0,
                    length: 100,
                    run_length: 1
                },
                Entry {
                    tile_id: 6,
                    offset: 100,
                    length: 50,
                    run_length: 1
                },
                Entry {
                    tile_id: 10,
                    offset: 500,
                    length: 30,
                    run_length: 0
                },
            ]
        );
        assert_eq!(find(&d, 6).map(|e| e.offset), Some(100));
        assert_eq!(find(&d, 7), None);
        assert_eq!(find(&d, 12).map(|e| e.run_length), Some(0));
        assert!(decode_directory(&bytes[..8]).is_err());
    }
}
