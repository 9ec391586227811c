//! The test's X display read as a picture: the screenshots, as the user would see the window.
//! (WebDriver's own screenshot never answers when WebKit paints without GPU compositing, as
//! the app asks it to on a machine without a GPU: see src-tauri/src/painting.rs.)

use std::path::Path;
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};

/// Writes the whole screen of X `display` (`:N`) to `path` as a PNG.
pub fn capture(display: &str, path: &Path) {
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to the test display");
    let root = &conn.setup().roots[screen];
    let (width, height) = (root.width_in_pixels, root.height_in_pixels);
    let image = conn
        .get_image(ImageFormat::Z_PIXMAP, root.root, 0, 0, width, height, !0)
        .expect("ask for the screen")
        .reply()
        .expect("the screen's pixels");
    // Xvfb's 24-bit screens hold 32 bits a pixel, blue first.
    let rgb: Vec<u8> = image
        .data
        .chunks_exact(4)
        .flat_map(|bgrx| [bgrx[2], bgrx[1], bgrx[0]])
        .collect();
    let file = std::fs::File::create(path).expect("create the screenshot");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width.into(), height.into());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&rgb))
        .expect("write the screenshot");
}
