//! Running the `astrocloud` binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn astrocloud() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_astrocloud"));
    command.env("ASTROCLOUD_LOG", "warn");
    command
}

/// Runs `astrocloud` with `args` and returns its output.
pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    astrocloud().arg("--data-dir").arg(data_dir).args(args).output().expect("astrocloud runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A server process on an ephemeral loopback port, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    /// Starts `astrocloud <args> --bind 127.0.0.1:0` and waits for its "listening" line.
    pub fn start(data_dir: &Path, args: &[&str]) -> Server {
        let mut child = astrocloud()
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            assert!(Instant::now() < deadline, "server did not report its address");
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("listening ") {
                        break url.trim().to_string();
                    }
                }
                _ => panic!("server exited before listening"),
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, url }
    }

    pub fn get(&self, path_and_query: &str) -> (u16, String, String) {
        let response = reqwest::blocking::get(format!("{}{path_and_query}", self.url)).expect("request");
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
        (status, content_type, response.text().expect("body"))
    }

    pub fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let client = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let response = client.post(format!("{}{path}", self.url)).form(form).send().expect("request");
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        (status, location.unwrap_or_else(|| response.text().expect("body")))
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
