//! A `tracing` layer that keeps every event, for tests of lockdep's warnings.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex as StdMutex};

use tracing::field::{Field, Visit};
use tracing_subscriber::layer::Context;

/// One event: its level, target and fields as text.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Its level.
    pub level: tracing::Level,
    /// Its target.
    pub target: String,
    /// Its fields (the message as `message`), as text.
    pub fields: BTreeMap<String, String>,
}

/// Every event seen while installed, in order.
#[derive(Clone, Default)]
pub struct Capture(Arc<StdMutex<Vec<Captured>>>);

impl Capture {
    /// The events so far.
    pub fn events(&self) -> Vec<Captured> {
        self.0.lock().unwrap().clone()
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let metadata = event.metadata();
        self.0.lock().unwrap().push(Captured {
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            fields,
        });
    }
}
