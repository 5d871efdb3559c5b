//! Gzip files (RFC 1952: one or more members, each a header, a raw deflate stream, then the
//! CRC-32 and length of its content), inflated by miniz_oxide and checked against both.
//!
//! Not flate2's decoder: its CRC-32 (crc32fast) carries 16 KB of lookup tables, which with the
//! decoder's glue made up a tenth of the page's trainer wasm; this reads the same files with a
//! 1 KB table. (flate2 still writes the prepared sets natively.)

use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

/// Decompresses at most `limit` bytes of the gzip members in `bytes`. A failure gives how many
/// bytes were decompressed before it and what went wrong.
pub fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, (usize, String)> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let fail = |out: &Vec<u8>, why: &str| (out.len(), why.to_string());
        let start = header_len(rest).map_err(|why| fail(&out, why))?;
        let first = out.len();
        let used =
            inflate_member(&rest[start..], &mut out, limit).map_err(|why| fail(&out, &why))?;
        if out.len() >= limit {
            out.truncate(limit);
            return Ok(out);
        }
        let trailer = rest
            .get(start + used..start + used + 8)
            .ok_or_else(|| fail(&out, "the file ends inside a gzip member's trailer"))?;
        let word = |i: usize| u32::from_le_bytes(trailer[i..i + 4].try_into().expect("4 bytes"));
        if word(0) != crc32(&out[first..]) {
            return Err(fail(&out, "the content does not match its CRC-32 checksum"));
        }
        if word(4) != (out.len() - first) as u32 {
            return Err(fail(
                &out,
                "the content's length does not match the member's trailer",
            ));
        }
        rest = &rest[start + used + 8..];
    }
    Ok(out)
}

/// The length of the member header at the start of `b` (magic, method 8, optional fields).
fn header_len(b: &[u8]) -> Result<usize, &'static str> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if b.len() < 10 || b[0] != 0x1f || b[1] != 0x8b {
        return Err("invalid gzip header (bytes after a member are not another gzip member)");
    }
    if b[2] != 8 {
        return Err("unsupported gzip compression method (only deflate is defined)");
    }
    let flags = b[3];
    let mut at = 10;
    let short = "the file ends inside a gzip header";
    if flags & FEXTRA != 0 {
        let len = b.get(at..at + 2).ok_or(short)?;
        at += 2 + u16::from_le_bytes([len[0], len[1]]) as usize;
    }
    for field in [FNAME, FCOMMENT] {
        if flags & field != 0 {
            let end = b
                .get(at..)
                .and_then(|s| s.iter().position(|&c| c == 0))
                .ok_or(short)?;
            at += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    if at > b.len() {
        return Err(short);
    }
    Ok(at)
}

/// Inflates one raw deflate stream onto `out` (up to `limit` bytes in all); the input bytes it
/// used.
fn inflate_member(input: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<usize, String> {
    let mut state = InflateState::new_boxed(DataFormat::Raw);
    let mut chunk = vec![0u8; 1 << 16];
    let mut used = 0;
    loop {
        let r = inflate(&mut state, &input[used..], &mut chunk, MZFlush::None);
        used += r.bytes_consumed;
        let room = limit - out.len();
        out.extend_from_slice(&chunk[..r.bytes_written.min(room)]);
        match r.status {
            _ if out.len() >= limit => return Ok(used),
            Ok(MZStatus::StreamEnd) => return Ok(used),
            Ok(_) if r.bytes_consumed + r.bytes_written > 0 => {}
            Ok(_) | Err(MZError::Buf) => {
                return Err("the file ends inside the compressed data".into())
            }
            Err(e) => return Err(format!("corrupt deflate stream ({e:?})")),
        }
    }
}

/// The CRC-32 of `data` (the gzip/zlib polynomial, reflected).
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8)
    })
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};
