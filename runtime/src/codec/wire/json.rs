//! The JSON tokenizer and writer shared by SenML JSON and LwM2M JSON. Placeholder.
