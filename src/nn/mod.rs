//! The network itself: activations, initialisers, losses, dense layers and their composition.

pub mod activation;
pub mod dense;
pub mod dropout;
pub mod gemm;
pub mod init;
pub mod kernel;
pub mod keyed;
pub mod loss;
pub mod network;
pub mod regularization;

pub use activation::Activation;
pub use dense::Dense;
pub use dropout::Dropout;
pub use init::Init;
pub use kernel::Kernel;
pub use loss::Loss;
pub use network::{AsInput, Gradients, Input, Network, ShardInput, ShardPos, Workspace};
pub use regularization::Regularization;
