//! The HTTP shell of donthu: the JSON API under `/api/v1` for API clients (bearer
//! tokens), its OpenAPI document at `/api/openapi.json` generated from the handlers, and
//! a health check. Handlers stay thin: rules live in `donthu-core`, business operations
//! in `donthu-store`.

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::routing::get;
use axum::{Json, response::IntoResponse};
use donthu_store::Store;
use donthu_store::blob::BlobStore;
use std::sync::Arc;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

/// What every handler needs.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    /// Seals documents that identify a denouncer before they reach the blob store.
    pub sealer: donthu_store::seal::IdentitySealer,
    /// Sessions, lockout and portal limits of the web pages.
    pub web: Arc<pages::session::WebConfig>,
    /// Counts the portal's requests per client (rate limiting).
    pub portal_limiter: Arc<pages::portal::RateLimiter>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        blobs: Arc<dyn BlobStore>,
        sealer: donthu_store::seal::IdentitySealer,
        web: pages::session::WebConfig,
    ) -> AppState {
        AppState { store, blobs, sealer, web: Arc::new(web), portal_limiter: Default::default() }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "donthu API",
        description = "Tiếp công dân, xử lý đơn thư, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh. \
            Errors are JSON `{\"error\": {\"code\", \"message\", \"fields\"}}` with a stable code and a Vietnamese message."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "petitions", description = "Đơn thư: tiếp nhận, xử lý, giải quyết"),
        (name = "cases", description = "Vụ việc"),
        (name = "forwardings", description = "Chuyển đơn và phản hồi của đơn vị được chuyển"),
        (name = "calendar", description = "Lịch làm việc và thời hạn theo luật"),
        (name = "units", description = "Cơ quan, đơn vị"),
        (name = "officials", description = "Cán bộ")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi()).nest("/api/v1", api::router()).into_openapi()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", api::router()).split_for_parts();
    let doc = Arc::new(doc);
    let backend = state.store.backend();
    api.merge(pages::router(state.clone()))
        .route("/api/openapi.json", get(move || async move { Json(doc.as_ref().clone()) }))
        .route("/healthz", get(move || async move { Json(serde_json::json!({ "status": "ok", "database": backend })) }))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(api::MAX_ATTACHMENT_BYTES))
        .layer(
            // Paths only: query strings may carry search terms, and request bodies
            // personal data, so neither is ever logged.
            TraceLayer::new_for_http().make_span_with(
                |req: &Request<_>| tracing::info_span!("http", method = %req.method(), path = %req.uri().path()),
            ),
        )
        .with_state(state)
}

/// Unknown paths: a JSON error under `/api`, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        error::ApiError::not_found().into_response()
    } else {
        pages::error_page(axum::http::StatusCode::NOT_FOUND, "Không tìm thấy trang này.")
    }
}

/// Serves the application until Ctrl-C or SIGTERM, then finishes in-flight requests.
/// The peer address is kept for sign-in lockout and the portal's rate limits.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
