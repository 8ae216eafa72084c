//! The host's state-store callbacks as a [`HostKv`]: buffers in and out, return codes, nothing else.

use super::{
    UserData, XERO_STATE_CONFLICT, XERO_STATE_NOT_FOUND, XERO_STATE_OK, xero_state_cas_callback,
    xero_state_free_callback, xero_state_load_callback,
};
use crate::store::host::{HostKv, Loaded};
use std::ffi::{CStr, CString, c_char};

type LoadFn = unsafe extern "C" fn(*mut std::ffi::c_void, *const c_char, *mut *mut c_char, *mut i64) -> i32;
type CasFn = unsafe extern "C" fn(*mut std::ffi::c_void, *const c_char, i64, *const c_char) -> i32;

pub struct CallbackStore {
    pub load: LoadFn,
    pub cas: CasFn,
    pub free: xero_state_free_callback,
    pub user_data: UserData,
}

impl CallbackStore {
    pub fn new(
        load: xero_state_load_callback,
        cas: xero_state_cas_callback,
        free: xero_state_free_callback,
        user_data: UserData,
    ) -> Option<CallbackStore> {
        Some(CallbackStore { load: load?, cas: cas?, free, user_data })
    }
}

fn c_key(key: &str) -> Result<CString, String> {
    CString::new(key).map_err(|_| "the key contains NUL".to_owned())
}

impl HostKv for CallbackStore {
    fn load(&self, key: &str) -> Result<Loaded, String> {
        let key = c_key(key)?;
        let mut value: *mut c_char = std::ptr::null_mut();
        let mut revision: i64 = 0;
        // SAFETY: the host promised the callback may be called from any thread with its user_data; the out
        // pointers are valid for the call.
        let rc = unsafe { (self.load)(self.user_data.get(), key.as_ptr(), &mut value, &mut revision) };
        // Copy first, then hand the host's buffer back exactly once, whatever the answer.
        let copied = (!value.is_null()).then(|| {
            // SAFETY: the host promised a NUL-terminated string that stays valid until it is freed.
            unsafe { CStr::from_ptr(value) }.to_bytes().to_vec()
        });
        if let (Some(free), false) = (self.free, value.is_null()) {
            // SAFETY: `value` came from the host's load and is freed once, with the host's own function.
            unsafe { free(self.user_data.get(), value) };
        }
        match rc {
            XERO_STATE_OK => match copied {
                Some(value) => Ok(Loaded::Found { revision, value }),
                None => Err("the load callback returned XERO_STATE_OK but no value (NULL)".to_owned()),
            },
            XERO_STATE_NOT_FOUND => Ok(Loaded::NotFound),
            other => Err(format!("the load callback returned {other}")),
        }
    }

    fn compare_and_swap(&self, key: &str, expected: i64, value: &str) -> Result<bool, String> {
        let key = c_key(key)?;
        let value = CString::new(value).map_err(|_| "the value contains NUL".to_owned())?;
        // SAFETY: as for load; `key` and `value` are valid NUL-terminated strings for the call.
        let rc = unsafe { (self.cas)(self.user_data.get(), key.as_ptr(), expected, value.as_ptr()) };
        match rc {
            XERO_STATE_OK => Ok(true),
            XERO_STATE_CONFLICT => Ok(false),
            other => Err(format!("the compare-and-swap callback returned {other}")),
        }
    }
}
