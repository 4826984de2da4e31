//! Reads the *facts* of one registry DDF file (IDs, names, operations, types, ranges, units).
//!
//! Description elements are skipped on purpose: the importer never sees registry prose, so it
//! can never write it into `models/`. The only thing derived from the rest of the file is a
//! yes/no flag telling whether it names the uCIFI Alliance anywhere (its copyright header or
//! its descriptions), used to pick the `ucifi` folder.

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// The facts of one object version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegObject {
    /// `noNamespaceSchemaLocation` of the root element (empty when absent).
    pub schema_location: String,
    /// `<Name>`, trimmed.
    pub name: String,
    /// `<ObjectID>`.
    pub id: u16,
    /// `<ObjectURN>`, trimmed.
    pub urn: String,
    /// `<LWM2MVersion>`, trimmed; `None` when the element is absent.
    pub lwm2m_version: Option<String>,
    /// `<ObjectVersion>`, trimmed; `None` when the element is absent.
    pub object_version: Option<String>,
    /// `<MultipleInstances>`, trimmed.
    pub multiple_instances: String,
    /// `<Mandatory>`, trimmed.
    pub mandatory: String,
    /// Resources in file order.
    pub items: Vec<RegItem>,
    /// Whether the file names the uCIFI Alliance anywhere (header comment or text).
    pub names_ucifi: bool,
}

impl RegObject {
    /// `MAJOR_MINOR` of the object version (`1_0` when absent or empty).
    pub fn version_tag(&self) -> String {
        match self.object_version.as_deref() {
            Some(v) if !v.is_empty() => v.replace('.', "_"),
            _ => "1_0".into(),
        }
    }
}

/// The facts of one resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegItem {
    /// `ID` attribute.
    pub id: u16,
    /// `<Name>`, trimmed.
    pub name: String,
    /// `<Operations>`, trimmed.
    pub operations: String,
    /// `<MultipleInstances>`, trimmed.
    pub multiple_instances: String,
    /// `<Mandatory>`, trimmed.
    pub mandatory: String,
    /// `<Type>`, trimmed.
    pub data_type: String,
    /// `<RangeEnumeration>`, trimmed (empty when absent).
    pub range: String,
    /// `<Units>`, trimmed.
    pub units: String,
}

/// Reads one registry file.
pub fn read_file(path: &Path) -> Result<RegObject, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the facts out of DDF XML bytes.
pub fn parse(bytes: &[u8]) -> Result<RegObject, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut obj = RegObject {
        names_ucifi: text.to_ascii_lowercase().contains("ucifi"),
        ..RegObject::default()
    };
    let mut objects = 0usize;
    // Element names from the root down to the current element.
    let mut stack: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut item: Option<RegItem> = None;
    let mut id_seen = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                on_open(&name, &e, &stack, &mut obj, &mut item, &mut objects)?;
                stack.push(name);
                buf.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                on_open(&name, &e, &stack, &mut obj, &mut item, &mut objects)?;
                stack.push(name);
                buf.clear();
                on_close(&stack, "", &mut obj, &mut item, &mut id_seen)?;
                stack.pop();
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => match &*r.xml10_content() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                buf.push(ch);
            }
            Event::End(_) => {
                on_close(&stack, &buf, &mut obj, &mut item, &mut id_seen)?;
                stack.pop();
                buf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if objects != 1 {
        return Err(format!("expected exactly one <Object>, found {objects}"));
    }
    if !id_seen {
        return Err("no <ObjectID>".into());
    }
    Ok(obj)
}

fn on_open(
    name: &str,
    e: &quick_xml::events::BytesStart<'_>,
    stack: &[String],
    obj: &mut RegObject,
    item: &mut Option<RegItem>,
    objects: &mut usize,
) -> Result<(), String> {
    match (stack.len(), name) {
        (0, _) => {
            for a in e.attributes().flatten() {
                if a.key.local_name().as_ref() == "noNamespaceSchemaLocation" {
                    obj.schema_location = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| e.to_string())?
                        .into();
                }
            }
        }
        (1, "Object") => *objects += 1,
        (3, "Item") if stack[2] == "Resources" => {
            let id = e
                .attributes()
                .flatten()
                .find(|a| a.key.as_ref() == "ID")
                .ok_or("an <Item> without ID")?;
            let id = id
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            let id = id
                .trim()
                .parse()
                .map_err(|_| format!("bad Item ID {id:?}"))?;
            *item = Some(RegItem {
                id,
                ..RegItem::default()
            });
        }
        _ => {}
    }
    Ok(())
}

fn on_close(
    stack: &[String],
    text: &str,
    obj: &mut RegObject,
    item: &mut Option<RegItem>,
    id_seen: &mut bool,
) -> Result<(), String> {
    let t = text.trim().to_string();
    let path: Vec<&str> = stack.iter().map(String::as_str).collect();
    match path.as_slice() {
        [_, "Object", field] => match *field {
            "Name" => obj.name = t,
            "ObjectID" => {
                obj.id = t.parse().map_err(|_| format!("bad ObjectID {t:?}"))?;
                *id_seen = true;
            }
            "ObjectURN" => obj.urn = t,
            "LWM2MVersion" => obj.lwm2m_version = Some(t),
            "ObjectVersion" => obj.object_version = Some(t),
            "MultipleInstances" => obj.multiple_instances = t,
            "Mandatory" => obj.mandatory = t,
            _ => {}
        },
        [_, "Object", "Resources", "Item"] => {
            if let Some(done) = item.take() {
                obj.items.push(done);
            }
        }
        [_, "Object", "Resources", "Item", field] => {
            let it = item.as_mut().ok_or("resource field outside <Item>")?;
            match *field {
                "Name" => it.name = t,
                "Operations" => it.operations = t,
                "MultipleInstances" => it.multiple_instances = t,
                "Mandatory" => it.mandatory = t,
                "Type" => it.data_type = t,
                "RangeEnumeration" => it.range = t,
                "Units" => it.units = t,
                // Description and unknown children: ignored.
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}<!-- licence --><LWM2M xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"http://x/LWM2M.xsd\">\r\n<Object ObjectType=\"MODefinition\"><Name> Thing </Name>\
        <Description1><![CDATA[A uCIFI thing.]]></Description1><ObjectID>3999</ObjectID>\
        <ObjectURN>urn:oma:lwm2m:ext:3999:2.0</ObjectURN><ObjectVersion>2.0</ObjectVersion>\
        <MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory><Resources>\
        <Item ID=\"1\"><Name>A &amp; B </Name><Type>Float</Type><Operations>R</Operations>\
        <Mandatory>Mandatory</Mandatory><MultipleInstances>Single</MultipleInstances><Units>Cel</Units>\
        <Description>Text.</Description></Item>\
        <Item ID=\"2\"><Name>Go</Name><Operations>E</Operations><MultipleInstances>Single</MultipleInstances>\
        <Mandatory>Optional</Mandatory><Type></Type><RangeEnumeration>\r\n 0..1 \r\n</RangeEnumeration><Units/>\
        <Description/></Item></Resources><Description2/></Object></LWM2M>";

    #[test]
    fn reads_facts_and_quirks() {
        let o = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(o.schema_location, "http://x/LWM2M.xsd");
        assert_eq!(o.name, "Thing");
        assert_eq!(o.id, 3999);
        assert_eq!(o.urn, "urn:oma:lwm2m:ext:3999:2.0");
        assert_eq!(o.lwm2m_version, None);
        assert_eq!(o.object_version.as_deref(), Some("2.0"));
        assert_eq!(o.version_tag(), "2_0");
        assert!(o.names_ucifi);
        assert_eq!(o.items.len(), 2);
        assert_eq!(o.items[0].name, "A & B");
        assert_eq!(o.items[0].mandatory, "Mandatory");
        assert_eq!(o.items[0].range, "");
        assert_eq!(o.items[0].units, "Cel");
        assert_eq!(o.items[1].operations, "E");
        assert_eq!(o.items[1].range, "0..1");
        assert_eq!(o.items[1].data_type, "");
    }

    #[test]
    fn rejects_files_without_object() {
        assert!(parse(b"<LWM2M></LWM2M>").is_err());
    }
}
