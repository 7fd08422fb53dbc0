//! Reading a component's top level without compiling it: its custom
//! sections (the embedded manifest) and the names it imports and exports.
//!
//! Only the binary structure is parsed (no validation, no code): this runs
//! on bytes whose signature has already been checked, before the compiler.

use crate::plugin::{MANIFEST_SECTION, PluginManifest};
use crate::{Capability, StageKind};
use wasmparser::{Parser, Payload};

/// What a component's top level declares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interface {
    /// Top-level import names (`wasi:cli/environment@0.2.6`, `cordon:stage/log@0.1.0`).
    pub imports: Vec<String>,
    /// Top-level export names (`parse`, `detect`).
    pub exports: Vec<String>,
}

/// Problems with a component's manifest or interface.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComponentError {
    /// The bytes are not a component (or not parseable).
    #[error("not a WebAssembly component: {0}")]
    NotAComponent(String),
    /// No `cordon-manifest` section.
    #[error("the component has no `cordon-manifest` custom section")]
    MissingManifest,
    /// More than one manifest section.
    #[error("the component has more than one `cordon-manifest` custom section")]
    DuplicateManifest,
    /// The manifest is not valid JSON of the expected shape.
    #[error("the `cordon-manifest` section is invalid: {0}")]
    InvalidManifest(String),
    /// The manifest disagrees with what the component really is.
    #[error("the manifest disagrees with the component: {0}")]
    Mismatch(String),
}

/// How much code a component hands the compiler, counted over every core
/// module it contains (nested components included), without validating or
/// compiling anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodeSize {
    /// Bytes of the whole component.
    pub bytes: u64,
    /// Core modules, at any depth.
    pub modules: u64,
    /// Function bodies, over all core modules.
    pub functions: u64,
    /// Bytes of the largest function body.
    pub largest_function: u64,
    /// The largest product, over all function bodies, of a function's
    /// locals (parameters excluded) and its control-flow operators (`block`,
    /// `loop`, `if`, `else`, `br_if`, `br_table`). The compiler's SSA
    /// construction carries every local through every block, so its time
    /// and memory grow with this product, not with the body's bytes: a
    /// 1 MB body of `if`/`else` over 1000 locals took 92 s and 2.9 GB.
    pub largest_locals_x_blocks: u64,
}

/// Count what compiling `bytes` would have to compile. Cheap (one pass over
/// the binary structure); it runs before the compiler so a component can be
/// refused on its size instead of after minutes of compilation.
pub fn code_size(bytes: &[u8]) -> Result<CodeSize, ComponentError> {
    let mut size = CodeSize {
        bytes: bytes.len() as u64,
        ..CodeSize::default()
    };
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| ComponentError::NotAComponent(e.to_string()))? {
            Payload::ModuleSection { .. } => size.modules += 1,
            Payload::CodeSectionStart { count, .. } => {
                size.functions = size.functions.saturating_add(u64::from(count));
            }
            Payload::CodeSectionEntry(body) => {
                size.largest_function = size.largest_function.max(body.range().len() as u64);
                let product = locals_x_blocks(&body)?;
                size.largest_locals_x_blocks = size.largest_locals_x_blocks.max(product);
            }
            _ => {}
        }
    }
    Ok(size)
}

/// A function body's locals times its control-flow operators.
fn locals_x_blocks(body: &wasmparser::FunctionBody<'_>) -> Result<u64, ComponentError> {
    let bad = |e: wasmparser::BinaryReaderError| ComponentError::NotAComponent(e.to_string());
    let mut locals = 0u64;
    for entry in body.get_locals_reader().map_err(bad)? {
        let (count, _) = entry.map_err(bad)?;
        locals = locals.saturating_add(u64::from(count));
    }
    let mut blocks = 0u64;
    let mut ops = body.get_operators_reader().map_err(bad)?;
    while !ops.eof() {
        use wasmparser::Operator as O;
        if matches!(
            ops.read().map_err(bad)?,
            O::Block { .. }
                | O::Loop { .. }
                | O::If { .. }
                | O::Else
                | O::BrIf { .. }
                | O::BrTable { .. }
        ) {
            blocks += 1;
        }
    }
    Ok(locals.saturating_mul(blocks))
}

/// A component's top-level custom sections: (name, contents).
pub type CustomSections = Vec<(String, Vec<u8>)>;

/// Scan the top level of a component.
pub fn inspect(bytes: &[u8]) -> Result<(Interface, CustomSections), ComponentError> {
    let mut iface = Interface::default();
    let mut customs = Vec::new();
    let mut depth = 0usize;
    let mut saw_component = false;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| ComponentError::NotAComponent(e.to_string()))?;
        match payload {
            Payload::Version { encoding, .. } if depth == 0 => {
                if encoding != wasmparser::Encoding::Component {
                    return Err(ComponentError::NotAComponent(
                        "this is a core WebAssembly module; stages must be components (wasm32-wasip2)".into(),
                    ));
                }
                saw_component = true;
            }
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import =
                        import.map_err(|e| ComponentError::NotAComponent(e.to_string()))?;
                    iface.imports.push(import.name.name.to_string());
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let export =
                        export.map_err(|e| ComponentError::NotAComponent(e.to_string()))?;
                    iface.exports.push(export.name.name.to_string());
                }
            }
            Payload::CustomSection(reader) if depth == 0 => {
                customs.push((reader.name().to_string(), reader.data().to_vec()));
            }
            _ => {}
        }
    }
    if !saw_component {
        return Err(ComponentError::NotAComponent("no component header".into()));
    }
    Ok((iface, customs))
}

/// Read the manifest of a component.
pub fn read_manifest(bytes: &[u8]) -> Result<(PluginManifest, Interface), ComponentError> {
    let (iface, customs) = inspect(bytes)?;
    let mut found = customs.iter().filter(|(n, _)| n == MANIFEST_SECTION);
    let (_, data) = found.next().ok_or(ComponentError::MissingManifest)?;
    if found.next().is_some() {
        return Err(ComponentError::DuplicateManifest);
    }
    let manifest: PluginManifest =
        serde_json::from_slice(data).map_err(|e| ComponentError::InvalidManifest(e.to_string()))?;
    Ok((manifest, iface))
}

/// The exports a world requires.
pub fn required_exports(kind: StageKind) -> &'static [&'static str] {
    match kind {
        StageKind::Parser => &["detect", "parse"],
        StageKind::Normalizer => &["normalize"],
        StageKind::Policy => &["evaluate"],
    }
}

fn strip_version(name: &str) -> &str {
    name.split('@').next().unwrap_or(name)
}

/// Check that a manifest tells the truth about its component: the world
/// matches the stage kind and this host's WIT version, the component exports
/// what the world requires, and every cordon host interface it imports is a
/// capability the manifest requests. (WASI imports are always linked, against
/// an empty context; anything else fails at link time.)
pub fn check_manifest(manifest: &PluginManifest, iface: &Interface) -> Result<(), ComponentError> {
    crate::plugin::check_stage_name(&manifest.name).map_err(ComponentError::Mismatch)?;
    if let Some(fp) = &manifest.fingerprint {
        crate::plugin::check_fingerprint_version(fp, manifest.kind)
            .map_err(ComponentError::Mismatch)?;
    }
    let world = format!("cordon:stage/{}@{}", manifest.kind, crate::WIT_VERSION);
    if manifest.world != world {
        return Err(ComponentError::Mismatch(format!(
            "manifest says world {:?}, a {} stage for this host is {world:?}",
            manifest.world, manifest.kind
        )));
    }
    for export in required_exports(manifest.kind) {
        if !iface.exports.iter().any(|e| e == export) {
            return Err(ComponentError::Mismatch(format!(
                "a {} stage must export `{export}`; the component exports [{}]",
                manifest.kind,
                iface.exports.join(", ")
            )));
        }
    }
    for import in &iface.imports {
        let cap = match strip_version(import) {
            "cordon:stage/log" => Capability::Log,
            "cordon:stage/config" => Capability::Config,
            _ => continue,
        };
        if !manifest.capabilities.contains(&cap) {
            return Err(ComponentError::Mismatch(format!(
                "the component imports {import} but its manifest does not request the `{cap}` capability"
            )));
        }
    }
    Ok(())
}

fn leb128(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Append a custom section to a component (or module) binary.
pub fn append_custom_section(bytes: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(name.len() + data.len() + 5);
    leb128(name.len(), &mut payload);
    payload.extend_from_slice(name.as_bytes());
    payload.extend_from_slice(data);
    let mut out = Vec::with_capacity(bytes.len() + payload.len() + 6);
    out.extend_from_slice(bytes);
    out.push(0); // custom section id
    leb128(payload.len(), &mut out);
    out.extend_from_slice(&payload);
    out
}

/// Embed `manifest` in `bytes`, refusing a component that already has one.
pub fn embed_manifest(bytes: &[u8], manifest: &PluginManifest) -> Result<Vec<u8>, ComponentError> {
    let (_, customs) = inspect(bytes)?;
    if customs.iter().any(|(n, _)| n == MANIFEST_SECTION) {
        return Err(ComponentError::DuplicateManifest);
    }
    let json =
        serde_json::to_vec(manifest).map_err(|e| ComponentError::InvalidManifest(e.to_string()))?;
    Ok(append_custom_section(bytes, MANIFEST_SECTION, &json))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest component: magic + component version/layer.
    const EMPTY_COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";

    fn manifest() -> PluginManifest {
        PluginManifest {
            name: "p".into(),
            version: "1.0.0".into(),
            kind: StageKind::Parser,
            world: format!("cordon:stage/parser@{}", crate::WIT_VERSION),
            capabilities: vec![Capability::Log],
            min_host_version: "0.1.0".into(),
            license: None,
            source: None,
            detect: vec![],
            fingerprint: None,
        }
    }

    #[test]
    fn embed_then_read_round_trips() {
        let bytes = embed_manifest(EMPTY_COMPONENT, &manifest()).expect("embed");
        let (m, iface) = read_manifest(&bytes).expect("read");
        assert_eq!(m, manifest());
        assert!(iface.imports.is_empty());
        assert_eq!(
            embed_manifest(&bytes, &manifest()),
            Err(ComponentError::DuplicateManifest)
        );
        assert_eq!(
            read_manifest(EMPTY_COMPONENT).map(|_| ()),
            Err(ComponentError::MissingManifest)
        );
    }

    #[test]
    fn core_modules_are_not_components() {
        assert!(matches!(
            inspect(b"\0asm\x01\0\0\0"),
            Err(ComponentError::NotAComponent(_))
        ));
        assert!(matches!(
            inspect(b"garbage"),
            Err(ComponentError::NotAComponent(_))
        ));
    }

    #[test]
    fn manifest_must_match_the_interface() {
        let m = manifest();
        let good = Interface {
            imports: vec![
                "wasi:cli/environment@0.2.6".into(),
                "cordon:stage/log@0.1.0".into(),
            ],
            exports: vec!["detect".into(), "parse".into()],
        };
        assert_eq!(check_manifest(&m, &good), Ok(()));
        let mut config = good.clone();
        config.imports.push("cordon:stage/config@0.1.0".into());
        assert!(
            matches!(check_manifest(&m, &config), Err(ComponentError::Mismatch(e)) if e.contains("`config`"))
        );
        let mut no_parse = good.clone();
        no_parse.exports.retain(|e| e != "parse");
        assert!(matches!(
            check_manifest(&m, &no_parse),
            Err(ComponentError::Mismatch(_))
        ));
        let mut wrong_world = m.clone();
        wrong_world.world = "cordon:stage/policy@0.1.0".into();
        assert!(matches!(
            check_manifest(&wrong_world, &good),
            Err(ComponentError::Mismatch(_))
        ));
    }
}
