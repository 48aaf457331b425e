//! Giving the C allocator's free memory back to the system.
//!
//! glibc's malloc keeps what a peak of calls freed: in the full soak (docs/benchmarks.md,
//! "Soak") serve stood at 69 MB after each round of 100 calls with 4-5 MB of heap in use, and
//! `malloc_trim(0)` brought it to 25.6 MB. `MALLOC_ARENA_MAX=2` did not change it, so serve
//! asks for the trim itself when its last call ends ([`release_free_memory`]).
//! Hand-written (a libc call) rather than a crate: switching allocator would change every
//! allocation on the media path to save memory only between peaks.

/// Return the allocator's free pages to the system. True when some memory was returned.
/// Takes a few milliseconds after a large peak: call it off the async workers
/// (`spawn_blocking`). Does nothing where the C library is not glibc.
pub fn release_free_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim has no preconditions; it takes the allocator's own locks and
        // only releases pages no allocation uses.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// This process's resident memory in bytes (Linux: /proc/self/statm), if it can be read.
    fn resident_bytes() -> Option<u64> {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        Some(pages * page_size())
    }

    fn page_size() -> u64 {
        // SAFETY: sysconf only reads a constant of the system.
        let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if n > 0 {
            n as u64
        } else {
            4096
        }
    }

    #[test]
    fn memory_freed_behind_a_live_block_goes_back_to_the_system() {
        // 64 MB in 1 KiB blocks (below the mmap threshold: they live in the heap), then all
        // freed but the last, which pins the heap's top so free() alone cannot shrink it.
        let blocks: Vec<Box<[u8; 1024]>> = (0..65_536).map(|i| Box::new([i as u8; 1024])).collect();
        let mut blocks = blocks;
        let pin = blocks.pop();
        drop(blocks);
        let before = resident_bytes().expect("statm");
        assert!(release_free_memory(), "something was released");
        let after = resident_bytes().expect("statm");
        // Other tests run in parallel threads and allocate too: ask for most of it, not all.
        assert!(
            before.saturating_sub(after) > 40 << 20,
            "RSS {before} -> {after} bytes"
        );
        drop(pin);
    }
}
