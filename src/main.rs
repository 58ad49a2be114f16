//! The `rca` binary: everything lives in the library; this only picks the allocator and
//! sets the exit code.

/// mimalloc: an event-dense log allocates and frees a few small strings per event, and
/// glibc's malloc/free were an eighth of such a run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(rca::cli::main());
}
