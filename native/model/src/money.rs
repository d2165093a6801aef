//! Money and other fractional figures as records write them. Rust's `f64` sum of no values is
//! `-0.0` and rounding a small negative gives `-0.0`; JSON and CSV would then say `-0`, which
//! reads as a loss. Every such figure goes through these at the point it is computed.

/// `x` with a negative zero made zero (any other value unchanged).
pub fn no_negative_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// `x` rounded to the cent, never `-0`.
pub fn cents(x: f64) -> f64 {
    no_negative_zero((x * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_becomes_zero() {
        let empty: f64 = std::iter::empty::<f64>().sum();
        assert!(empty.is_sign_negative(), "the case this guards against");
        assert!(no_negative_zero(empty).is_sign_positive());
        assert_eq!(serde_json::to_string(&cents(empty)).unwrap(), "0.0");
        assert!(cents(-0.001).is_sign_positive());
        assert_eq!(cents(12.345), 12.35);
        assert_eq!(cents(-3.5), -3.5);
        assert_eq!(no_negative_zero(-2.0), -2.0);
    }
}
