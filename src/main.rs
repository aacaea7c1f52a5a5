//! The `reglint` command line. Everything it does is in the library; this only wires it up.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
