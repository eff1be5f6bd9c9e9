// `sqlx::migrate!` embeds the migrations at compile time; without this, a changed or
// new migration file would not rebuild the crate and the old set would be embedded.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
