//! actix-web adapter that mounts DALI protocol services, VOSI and UWS endpoints.
