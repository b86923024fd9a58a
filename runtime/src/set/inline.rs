//! [`InlineVec`]: up to eight values on the stack, more on the heap.

use arrayvec::ArrayVec;

/// How many values an [`InlineVec`] keeps without allocating.
pub(crate) const INLINE: usize = 8;

/// A vector that keeps up to [`INLINE`] values inline and moves them all to
/// the heap past that. Its auto traits are its element's (a `Send` future
/// holding it stays `Send` when the element is a generic associated type).
pub(crate) struct InlineVec<T> {
    inline: ArrayVec<T, INLINE>,
    /// Empty until the values outgrow `inline`; then it holds them all.
    heap: Vec<T>,
}

impl<T> InlineVec<T> {
    #[inline]
    pub(crate) fn new() -> Self {
        InlineVec { inline: ArrayVec::new(), heap: Vec::new() }
    }

    #[inline]
    pub(crate) fn push(&mut self, value: T) {
        if self.heap.is_empty() {
            match self.inline.try_push(value) {
                Ok(()) => {}
                Err(full) => self.spill(full.element()),
            }
        } else {
            self.heap.push(value);
        }
    }

    #[cold]
    fn spill(&mut self, value: T) {
        self.heap.reserve(2 * INLINE);
        self.heap.extend(self.inline.drain(..));
        self.heap.push(value);
    }

    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        if self.heap.is_empty() { &self.inline } else { &self.heap }
    }

    #[inline]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.heap.is_empty() { &mut self.inline } else { &mut self.heap }
    }

    /// The values in a `Vec`.
    pub(crate) fn into_vec(self) -> Vec<T> {
        if self.heap.is_empty() { self.inline.into_iter().collect() } else { self.heap }
    }
}

impl<T> Default for InlineVec<T> {
    fn default() -> Self {
        InlineVec::new()
    }
}

impl<T> FromIterator<T> for InlineVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut collected = InlineVec::new();
        for value in values {
            collected.push(value);
        }
        collected
    }
}

impl<T> IntoIterator for InlineVec<T> {
    type Item = T;
    type IntoIter = core::iter::Chain<arrayvec::IntoIter<T, INLINE>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.inline.into_iter().chain(self.heap)
    }
}

impl<T> core::ops::Deref for InlineVec<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> core::ops::DerefMut for InlineVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}
