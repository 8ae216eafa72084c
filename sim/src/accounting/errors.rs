//! Xero's error bodies.

use super::ApiResponse;
use serde_json::{Value, json};

/// 400 `ValidationException` (ErrorNumber 10) with the elements and their `ValidationErrors`.
pub fn validation_exception(elements: Vec<Value>) -> ApiResponse {
    ApiResponse {
        status: 400,
        body: json!({
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        }),
    }
}

/// 400 `ValidationException` (ErrorNumber 10) about the request as a whole: a message, no elements.
pub fn validation_message(message: &str) -> ApiResponse {
    ApiResponse { status: 400, body: json!({ "ErrorNumber": 10, "Type": "ValidationException", "Message": message }) }
}

/// 400 `PostDataInvalidException` (ErrorNumber 14): the body could not be read.
pub fn post_data_invalid(message: &str) -> ApiResponse {
    ApiResponse {
        status: 400,
        body: json!({ "ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": message }),
    }
}

/// 400 `QueryParseException` (ErrorNumber 16): a `where`/`order` the simulator cannot evaluate.
pub fn query_parse(message: &str) -> ApiResponse {
    ApiResponse { status: 400, body: json!({ "ErrorNumber": 16, "Type": "QueryParseException", "Message": message }) }
}

/// 404: unknown resource or id.
pub fn not_found() -> ApiResponse {
    ApiResponse {
        status: 404,
        body: json!({ "Title": "Not Found", "Status": 404, "Detail": "The resource you're looking for cannot be found" }),
    }
}

/// 405: the path exists, the method does not.
pub fn method_not_allowed() -> ApiResponse {
    ApiResponse {
        status: 405,
        body: json!({ "Title": "Method Not Allowed", "Status": 405, "Detail": "The requested method is not supported for this resource" }),
    }
}
