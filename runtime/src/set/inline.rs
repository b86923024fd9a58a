//! [`InlineVec`]: up to eight values on the stack, more on the heap.

use arrayvec::ArrayVec;

/// How many values an [`InlineVec`] keeps without allocating.
pub(crate) const INLINE: usize = 8;

/// A vector that keeps up to [`INLINE`] values inline and moves them all to
/// the heap past that. Its auto traits are its element's (a `Send` future
/// holding it stays `Send` when the element is a generic associated type).
pub(crate) struct InlineVec<T> {
    inline: ArrayVec<T, INLINE>,
    /// `None` until the values outgrow `inline`; then it holds them all. An
    /// `Option` so that dropping a small vector tests it inline instead of
    /// calling the drop of an empty `Vec`.
    heap: Option<Vec<T>>,
}

impl<T> InlineVec<T> {
    #[inline]
    pub(crate) fn new() -> Self {
        InlineVec { inline: ArrayVec::new(), heap: None }
    }

    #[inline]
    pub(crate) fn push(&mut self, value: T) {
        match &mut self.heap {
            None => match self.inline.try_push(value) {
                Ok(()) => {}
                Err(full) => {
                    self.spill(full.element());
                }
            },
            Some(heap) => heap.push(value),
        }
    }

    /// Moves the values to the heap, `value` last; returns the heap.
    #[cold]
    fn spill(&mut self, value: T) -> &mut Vec<T> {
        let mut heap = Vec::with_capacity(2 * INLINE + 1);
        heap.extend(self.inline.drain(..));
        heap.push(value);
        self.heap.insert(heap)
    }

    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        match &self.heap {
            None => &self.inline,
            Some(heap) => heap,
        }
    }

    #[inline]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.heap {
            None => &mut self.inline,
            Some(heap) => heap,
        }
    }

    /// The values in a `Vec`.
    pub(crate) fn into_vec(self) -> Vec<T> {
        match self.heap {
            None => self.inline.into_iter().collect(),
            Some(heap) => heap,
        }
    }
}

impl<T> Default for InlineVec<T> {
    fn default() -> Self {
        InlineVec::new()
    }
}

impl<T> FromIterator<T> for InlineVec<T> {
    #[inline]
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut collected = InlineVec::new();
        collected.extend(values);
        collected
    }
}

impl<T> Extend<T> for InlineVec<T> {
    #[inline]
    fn extend<I: IntoIterator<Item = T>>(&mut self, values: I) {
        let mut values = values.into_iter();
        let heap = match &mut self.heap {
            Some(heap) => heap,
            None => {
                // One loop into the array (no test of the heap per value),
                // and the heap only if the array fills up and more follow.
                let room = self.inline.remaining_capacity();
                self.inline.extend(values.by_ref().take(room));
                if !self.inline.is_full() {
                    return;
                }
                match values.next() {
                    Some(value) => self.spill(value),
                    None => return,
                }
            }
        };
        heap.extend(values);
    }
}

impl<T> IntoIterator for InlineVec<T> {
    type Item = T;
    type IntoIter = core::iter::Chain<arrayvec::IntoIter<T, INLINE>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.inline.into_iter().chain(self.heap.unwrap_or_default())
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
