//! Two periods side by side: the change in answer rate in percentage points, whether it is
//! more than chance would give (a two-proportion z-test), a 95% confidence interval for the
//! change, and the change in average speed of answer.

use super::metrics::Figures;
use serde::Serialize;
use thiserror::Error;

/// Why two periods could not be compared.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompareError {
    #[error("the {0} period has no answered or lost calls to compare")]
    NoCalls(&'static str),
    #[error("the significance level is a number between 0 and 1, such as 0.05")]
    Alpha,
}

/// What the comparison needs of one period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Period {
    pub answered: u64,
    pub not_through: u64,
    /// Average speed of answer in seconds, `None` when no call was answered.
    pub asa_secs: Option<f64>,
}

impl From<&Figures> for Period {
    fn from(f: &Figures) -> Period {
        Period {
            answered: f.answered,
            not_through: f.not_through,
            asa_secs: f.asa_secs,
        }
    }
}

/// The two-proportion z-test's result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ZTest {
    /// (after's rate − before's rate) / pooled standard error.
    pub z: f64,
    /// Two-sided: the chance of a difference at least this large, either way, if the two
    /// periods' answer rates were the same.
    pub p_value: f64,
}

/// Period "after" against period "before".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// Answer rates, fractions 0 to 1.
    pub before_rate: f64,
    pub after_rate: f64,
    /// After − before, in percentage points (6.9 for 85.2% → 92.1%).
    pub difference_points: f64,
    /// `None` when every call in both periods was answered, or none was: nothing varies, so
    /// there is nothing to test.
    pub test: Option<ZTest>,
    /// 95% confidence interval for the difference, in percentage points (low, high).
    pub ci95_points: (f64, f64),
    /// After's ASA − before's, in seconds (negative: answered sooner); `None` when a period had
    /// no answered call.
    pub asa_difference_secs: Option<f64>,
}

/// The normal quantile for a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// Compares the answer rates (answered / (answered + did not get through)) of two periods.
///
/// The z-test pools the two periods (the standard error if the rates were equal:
/// √(p(1−p)(1/n₁+1/n₂)), p = all answered / all calls); the confidence interval uses each
/// period's own rate (√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)), as is usual for an interval. Both assume
/// calls are independent of one another, which busy days bend: with hundreds of thousands of
/// calls a small change is "significant"; the interval says how large it is.
pub fn compare(before: &Period, after: &Period) -> Result<Comparison, CompareError> {
    let n1 = before.answered.saturating_add(before.not_through);
    let n2 = after.answered.saturating_add(after.not_through);
    if n1 == 0 {
        return Err(CompareError::NoCalls("first"));
    }
    if n2 == 0 {
        return Err(CompareError::NoCalls("second"));
    }
    let (n1, n2) = (n1 as f64, n2 as f64);
    let p1 = before.answered as f64 / n1;
    let p2 = after.answered as f64 / n2;
    let diff = p2 - p1;
    let pooled = (before.answered as f64 + after.answered as f64) / (n1 + n2);
    let pooled_se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let test = (pooled_se > 0.0).then(|| {
        let z = diff / pooled_se;
        ZTest {
            z,
            p_value: two_sided_p(z),
        }
    });
    let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    let asa_difference_secs = match (before.asa_secs, after.asa_secs) {
        (Some(b), Some(a)) => Some(a - b),
        _ => None,
    };
    Ok(Comparison {
        before_rate: p1,
        after_rate: p2,
        difference_points: diff * 100.0,
        test,
        ci95_points: ((diff - Z_95 * se) * 100.0, (diff + Z_95 * se) * 100.0),
        asa_difference_secs,
    })
}

impl Comparison {
    /// Whether the change is significant at level `alpha` (0.05 for the usual 5%): the test's
    /// p-value is below `alpha`. With no test (nothing varies) it is not.
    pub fn significant(&self, alpha: f64) -> Result<bool, CompareError> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(CompareError::Alpha);
        }
        Ok(self.test.is_some_and(|t| t.p_value < alpha))
    }
}

/// The two-sided p-value of a standard normal statistic `z`: P(|Z| ≥ |z|) = erfc(|z|/√2), at
/// most 1 (the approximation gives 1.00000003 at z = 0).
pub fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// The standard normal distribution function Φ(z) = P(Z ≤ z) = erfc(−z/√2)/2, to the accuracy
/// of [`erfc`]; 0 and 1 far out in the tails, NaN for NaN.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// The complementary error function, by the Chebyshev fit of Numerical Recipes (`erfcc`, 2nd
/// ed., §6.2): fractional error below 1.2 × 10⁻⁷ everywhere, enough for p-values and
/// intervals reported to a few digits. erfc(+∞) = 0, erfc(−∞) = 2, NaN for NaN.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ans = t * (-z * z + poly).exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
