//! Unit tests of the reply: subjects, threading, escaping, template errors.
