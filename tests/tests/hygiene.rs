//! The macros' generated code names everything by absolute path: a module that shadows the
//! prelude (`Result`, `Option`, `Ok`, `Some`, `String`, `Box`, ...) or the `core` and `std`
//! crates still compiles and works.
#![allow(dead_code, non_camel_case_types, clippy::disallowed_names)]

mod shadowed {
    // Every prelude name the generated code could be tempted to use, shadowed by a local type.
    struct Result;
    struct Option;
    struct String;
    struct Box;
    struct Vec;
    struct Ok;
    struct Some;
    struct Err;
    struct None;
    struct Default;
    struct Clone;
    mod core {}
    mod std {}

    use ::actix_web::{App, HttpRequest, get, test, web};
    use ::login_runtime::{
        CurrentUser, LoginManager, UserMixin, login_required, request_loader, user_loader,
    };

    #[derive(UserMixin)]
    struct User {
        id: u64,
        #[user(active)]
        active: bool,
        #[user(auth_hash)]
        hash: ::std::vec::Vec<u8>,
    }

    impl ::core::clone::Clone for User {
        fn clone(&self) -> Self {
            User {
                id: self.id,
                active: self.active,
                hash: self.hash.clone(),
            }
        }
    }

    #[user_loader]
    async fn load_user(
        id: u64,
        _state: web::Data<u8>,
    ) -> ::core::result::Result<::core::option::Option<User>, &'static str> {
        ::core::result::Result::Ok(::core::option::Option::Some(User {
            id,
            active: true,
            hash: ::std::vec::Vec::new(),
        }))
    }

    #[request_loader]
    async fn header(req: HttpRequest) -> ::core::option::Option<User> {
        let _ = req;
        ::core::option::Option::None
    }

    #[get("/private")]
    #[login_required(json)]
    async fn private(user: CurrentUser<User>) -> ::std::string::String {
        ::std::format!("user {}", user.id)
    }

    #[::actix_rt::test]
    async fn generated_code_ignores_shadowed_prelude_names() {
        let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes, for tests")
            .request_loader(header)
            .build();
        let ::core::result::Result::Ok(manager) = manager else {
            ::core::panic!("the manager should build");
        };
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(1u8))
                .wrap(manager)
                .service(private),
        )
        .await;
        let res = test::call_service(&app, test::TestRequest::get().uri("/private").to_request()).await;
        ::core::assert_eq!(res.status(), 401, "an anonymous request is refused by the guard");
    }
}
