//! The worked examples of the README's "Command line" section are real: every
//! self-contained `$ ucifi ...` line (no pipe, redirection or quoting) is run from the
//! repository root and must print exactly the lines shown under it.

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

#[test]
fn readme_command_line_examples_print_what_they_show() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("\n## Command line\n")
        .nth(1)
        .expect("README has a Command line section");
    // The section ends at the next level-2 heading outside a code block.
    let mut in_code = false;
    let lines: Vec<&str> = section
        .lines()
        .take_while(|l| {
            if l.starts_with("```") {
                in_code = !in_code;
            }
            in_code || !l.starts_with("## ")
        })
        .collect();
    let mut checked = 0;
    let mut i = 0;
    while i < lines.len() {
        let Some(cmd) = lines[i].strip_prefix("$ ucifi ") else {
            i += 1;
            continue;
        };
        let mut want = String::new();
        let mut j = i + 1;
        while j < lines.len() && !lines[j].starts_with("$ ") && lines[j] != "```" {
            want.push_str(lines[j]);
            want.push('\n');
            j += 1;
        }
        i = j;
        if cmd.contains(['|', '<', '>', ';', '\'', '"']) {
            continue;
        }
        let args: Vec<&str> = cmd.split_whitespace().collect();
        if args.iter().any(|a| a.contains("lwm2m-registry"))
            && !root.join("../shared/lwm2m-registry").is_dir()
        {
            eprintln!("skipped README example without the registry: ucifi {cmd}");
            continue;
        }
        let out = cargo_bin_cmd!("ucifi")
            .args(&args)
            .current_dir(&root)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            want,
            "README example: ucifi {cmd}"
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} README examples checked");
}
