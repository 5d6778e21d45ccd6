//! A compute-heavy node: counts the points of a `width` x `height` grid over [-2, 1] x [-1.5, 1.5]
//! that stay in the Mandelbrot set for `max_iter` iterations, and a checksum of all iteration counts.
use xerv_guest::{node, Builder, Context};

node!(run);

/// The work itself, exported too so that the same module can be timed under other runtimes.
#[no_mangle]
pub extern "C" fn mandelbrot(width: u32, height: u32, max_iter: u32) -> u64 {
    let (inside, checksum) = compute(width, height, max_iter);
    (inside << 32) ^ checksum
}

fn compute(width: u32, height: u32, max_iter: u32) -> (u64, u64) {
    let mut inside = 0u64;
    let mut checksum = 0u64;
    for py in 0..height {
        let y0 = -1.5 + 3.0 * py as f64 / height as f64;
        for px in 0..width {
            let x0 = -2.0 + 3.0 * px as f64 / width as f64;
            let (mut x, mut y, mut i) = (0.0f64, 0.0f64, 0u32);
            while i < max_iter && x * x + y * y <= 4.0 {
                let t = x * x - y * y + x0;
                y = 2.0 * x * y + y0;
                x = t;
                i += 1;
            }
            if i == max_iter {
                inside += 1;
            }
            checksum = checksum.wrapping_mul(31).wrapping_add(i as u64);
        }
    }
    (inside, checksum)
}

fn run(ctx: &Context) -> Result<(), String> {
    let p = ctx.input("in").ok_or("the node has no input")?;
    let width = p.i64_or("width", 200).clamp(1, 4096) as u32;
    let height = p.i64_or("height", 200).clamp(1, 4096) as u32;
    let max_iter = p.i64_or("max_iter", 256).clamp(1, 100_000) as u32;
    let (inside, checksum) = compute(width, height, max_iter);
    let mut out = Builder::new();
    out.map(|m| {
        m.int("width", width as i64);
        m.int("height", height as i64);
        m.int("max_iter", max_iter as i64);
        m.int("inside", inside as i64);
        m.string("checksum", &format!("{:016x}", checksum));
    });
    ctx.emit("out", out)
}
